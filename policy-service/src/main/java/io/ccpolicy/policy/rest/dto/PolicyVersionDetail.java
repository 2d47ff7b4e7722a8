package io.ccpolicy.policy.rest.dto;

import java.time.Instant;

/** A version with its YAML document. */
public record PolicyVersionDetail(long revision, String sha256, String author, String changeNote, Instant createdAt, String document) {
}
