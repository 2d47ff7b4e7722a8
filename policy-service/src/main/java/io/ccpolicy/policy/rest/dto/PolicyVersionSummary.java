package io.ccpolicy.policy.rest.dto;

import java.time.Instant;

public record PolicyVersionSummary(long revision, String sha256, String author, String changeNote, Instant createdAt) {
}
