package io.ccpolicy.audit.domain;

import java.time.Instant;

/** Filters of the audit event query; null means "any". */
public record AuditFilter(Instant from, Instant to, String user, String team, String machine, String session, String policy,
        String decision, String tool, String type, String event) {
}
