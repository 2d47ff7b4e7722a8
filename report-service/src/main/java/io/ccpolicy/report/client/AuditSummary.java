package io.ccpolicy.report.client;

import java.time.Instant;
import java.util.List;

/** audit-ingest's summary of a period (its {@code ComplianceSummary}), as far as reports and the dashboard read it. */
public record AuditSummary(Totals totals, List<Count> deniedByPolicy, List<Count> deniedByUser, List<Count> askedByPolicy,
        List<Count> warnedByPolicy, List<Count> toolCalls, List<ExceptionUse> exceptionsUsed, List<AdminChange> adminChanges,
        List<Finding> integrityFindings, Archive archive) {

    /** {@code unverified}: events stored without proof of their origin; {@code demo}: the demo fleet's; both within {@code events}. */
    public record Totals(long events, long toolCalls, long fileModifications, long mcpCalls, long adminChanges, long withoutIdentity,
            long users, long machines, long sessions, long warned, long asked, long denied, long unverified, long demo) {
    }

    public record Count(String key, long count) {
    }

    public record ExceptionUse(String exceptionId, long decisions, Instant lastUse) {
    }

    public record AdminChange(Instant at, String actor) {
    }

    /** {@code kind}: chain, clock or rejected; a finding recorded before kinds existed has none and is a chain break. */
    public record Finding(String machineId, String eventId, String problem, Instant detectedAt, String kind) {

        public String kindOrChain() {
            return kind == null ? "chain" : kind;
        }
    }

    public record Archive(long sealedHours, long knownHours) {
    }
}
