package io.ccpolicy.report.client;

import java.time.Instant;

/** A policy version; {@code document} (its YAML) only when read alone. */
public record PolicyVersion(long revision, String sha256, String author, String changeNote, Instant createdAt, String document) {
}
