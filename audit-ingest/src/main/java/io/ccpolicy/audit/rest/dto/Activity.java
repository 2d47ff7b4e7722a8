package io.ccpolicy.audit.rest.dto;

import java.time.Instant;
import java.util.List;

/**
 * Activity in a window and in the equal windows before it (the baseline, oldest first), per user, plus the window's
 * hourly trend: what dashboards chart and what anomaly detection compares.
 */
public record Activity(Instant from, Instant to, long windowSeconds, List<UserActivity> users, List<Point> trend) {

    public record Counts(long events, long violations, long denied, long fileModifications, long mcpCalls) {
        public static final Counts NONE = new Counts(0, 0, 0, 0, 0);
    }

    public record UserActivity(String user, Counts window, List<Counts> baseline) {
    }

    public record Point(Instant hour, long events, long violations, long denied) {
    }
}
