package io.ccpolicy.audit.rest.dto;

import java.time.Instant;
import java.util.List;

/**
 * The recorded verification of the archive's sealed hours in a period: how many were verified and when, what they hold,
 * and every finding with the hour and the verification that found it.
 */
public record ArchiveVerificationView(Instant from, Instant to, long sealedHours, long verifiedHours, long objects, long events,
        Instant oldestVerification, Instant newestVerification, List<Finding> findings) {

    public record Finding(Instant hour, String where, String problem, Instant verifiedAt) {
    }
}
