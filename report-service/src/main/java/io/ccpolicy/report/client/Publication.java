package io.ccpolicy.report.client;

import java.time.Instant;

/** A publication of a revision to a scope. */
public record Publication(long id, Scope scope, long revision, int canaryPercent, String publishedBy, String note, Instant publishedAt) {

    /** {@code type} organization (value "*"), team or project. */
    public record Scope(String type, String value) {
    }
}
