package io.ccpolicy.report.rest.dto;

import java.time.Instant;
import java.util.UUID;

public record ReportRunView(UUID id, String kind, String format, Instant periodFrom, Instant periodTo, String requestedBy,
        Instant createdAt) {
}
