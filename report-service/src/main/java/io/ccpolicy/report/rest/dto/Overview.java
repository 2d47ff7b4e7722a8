package io.ccpolicy.report.rest.dto;

import java.time.Instant;
import java.util.List;

/** The dashboard's overview of a window (the guide's dashboard): activity, violations, their trend, anomalies. */
public record Overview(Instant from, Instant to, long activeUsers, long sessions, long violations, long denied, long exceptionsUsed,
        long toolCalls, List<Count> byPolicy, List<Point> trend, List<Violation> recent, List<Anomaly> anomalies) {

    public record Count(String policy, String verdict, long count) {
    }

    public record Point(Instant hour, long events, long violations, long denied) {
    }

    public record Violation(String eventId, Instant at, String user, String tool, String verdict, List<String> policies, String message) {
    }
}
