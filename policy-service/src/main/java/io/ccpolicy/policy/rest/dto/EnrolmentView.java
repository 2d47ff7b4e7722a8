package io.ccpolicy.policy.rest.dto;

import java.time.Instant;

/** An enrolled machine: its key, whose it is, and whether (by whom, why) it was revoked. */
public record EnrolmentView(String machineId, String keyId, String publicKey, String email, Instant enrolledAt, Instant revokedAt,
        String revokedBy, String revokeReason) {
}
