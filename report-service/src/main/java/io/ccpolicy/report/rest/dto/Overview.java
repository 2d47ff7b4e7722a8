package io.ccpolicy.report.rest.dto;

import io.ccpolicy.engine.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's overview of a window (the guide's dashboard): activity, violations, their trend, anomalies.
 * {@code violations}: policy violations (deny, ask or warn), as the breakdown counts them, so a call two policies
 * refuse counts twice; {@code denied}: calls denied. {@code demoEvents}: how many of the window's events come from the
 * demo fleet ({@code bin/platform demo}).
 */
public record Overview(Instant from, Instant to, long activeUsers, long sessions, long violations, long denied, long exceptionsUsed,
        long toolCalls, long demoEvents, List<Count> byPolicy, List<Point> trend, List<Violation> recent, List<Anomaly> anomalies,
        List<IntegrityFinding> integrity) {

    /**
     * Something wrong with the trail itself: {@code chain} (a break found on ingest), {@code clock} (a timestamp far from
     * ingest time), {@code archive} (S3 altered, removed or added) or {@code stored} (a PostgreSQL row altered, deleted or
     * added after ingest). {@code at} is when it was found.
     */
    public record IntegrityFinding(Instant at, String kind, String where, String problem) {
    }

    /** One policy's violations with one verdict; {@code percent}: its share of all the rows, to one decimal. */
    public record Count(String policy, String verdict, long count, double percent) {
    }

    public record Point(Instant hour, long events, long violations, long denied) {
    }

    public record Violation(String eventId, Instant at, String user, String machine, String tool, String verdict, List<String> policies,
            String message) {

        /**
         * The audit event's violations: policies that matched and were not exempted (enforced, warned, or shadowed with a
         * would-be verdict other than allow); empty when it has none.
         */
        public static Optional<Violation> of(AuditEvent event) {
            List<AuditEvent.Violation> standing = event.standingViolations();
            if (standing.isEmpty()) {
                return Optional.empty();
            }
            String message = standing.stream().map(AuditEvent.Violation::message).filter(m -> m != null && !m.isEmpty()).findFirst().orElse("");
            return Optional.of(new Violation(event.eventId(), event.timestamp(), event.email(), event.machine().id(), event.action().tool() == null ? ""
                    : event.action().tool(), event.verdict(), standing.stream().map(AuditEvent.Violation::policy).toList(), message));
        }
    }
}
