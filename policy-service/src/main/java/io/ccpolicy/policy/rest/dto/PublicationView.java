package io.ccpolicy.policy.rest.dto;

import java.time.Instant;

public record PublicationView(long id, Scope scope, long revision, Long previousRevision, int canaryPercent, String publishedBy,
        String note, Instant publishedAt) {
}
