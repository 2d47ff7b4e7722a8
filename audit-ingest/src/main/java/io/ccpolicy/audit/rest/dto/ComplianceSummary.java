package io.ccpolicy.audit.rest.dto;

import java.time.Instant;
import java.util.List;

/** What the audit store says about one period, for compliance reports: counts, denials, exceptions used, changes, integrity. */
public record ComplianceSummary(Instant from, Instant to, Totals totals, List<Count> deniedByPolicy, List<Count> deniedByUser,
        List<Count> askedByPolicy, List<Count> warnedByPolicy, List<Count> toolCalls, List<ExceptionUse> exceptionsUsed, List<AdminChange> adminChanges,
        List<Finding> integrityFindings, Archive archive) {

    /**
     * {@code unverified}: events stored without proof of their origin (enrolment.mode=record), within {@code events};
     * {@code demo}: events of the demo fleet (machines demo-*, {@code bin/platform demo}), within {@code events}.
     */
    public record Totals(long events, long toolCalls, long fileModifications, long mcpCalls, long prompts, long adminChanges,
            long withoutIdentity, long users, long machines, long sessions, long allowed, long warned, long asked, long denied,
            long expiredExceptionHits, long unverified, long demo) {
    }

    public record Count(String key, long count) {
    }

    public record ExceptionUse(String exceptionId, long decisions, Instant firstUse, Instant lastUse, List<String> users) {
    }

    public record AdminChange(Instant at, String actor, String change, String detail) {
    }

    /** {@code kind}: {@code chain} (a hash-chain break) or {@code clock} (a timestamp far from ingest time). */
    public record Finding(String machineId, String eventId, Long seq, String problem, Instant detectedAt, String kind) {
    }

    /** Hours of the period that have a signed manifest, and hours the archive knows of at all. */
    public record Archive(long sealedHours, long knownHours) {
    }
}
