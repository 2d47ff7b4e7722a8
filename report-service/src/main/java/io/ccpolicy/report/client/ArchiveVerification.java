package io.ccpolicy.report.client;

import java.time.Instant;
import java.util.List;

/** audit-ingest's recorded verification of a period's sealed archive hours, with every finding. */
public record ArchiveVerification(long sealedHours, long verifiedHours, long objects, long events, Instant oldestVerification,
        Instant newestVerification, List<Finding> findings) {

    /** {@code where}: the object, or "PostgreSQL ..." for a stored row that no longer matches its archive. */
    public record Finding(Instant hour, String where, String problem, Instant verifiedAt) {
    }
}
