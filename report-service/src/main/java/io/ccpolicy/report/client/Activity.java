package io.ccpolicy.report.client;

import java.time.Instant;
import java.util.List;

/** audit-ingest's activity of a window: each user's counts against their previous windows, and the hourly trend. */
public record Activity(List<UserActivity> users, List<Point> trend) {

    public record Counts(long events, long violations, long denied, long fileModifications, long mcpCalls) {
    }

    /** {@code baseline}: the previous windows, oldest first. */
    public record UserActivity(String user, Counts window, List<Counts> baseline) {
    }

    public record Point(Instant hour, long events, long violations, long denied) {
    }
}
