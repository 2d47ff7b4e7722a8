package io.ccpolicy.report.service;

import io.ccpolicy.report.client.Activity;
import io.ccpolicy.report.rest.dto.Anomaly;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Users whose activity in a window departs strongly from their own trailing baseline: for each measure, the window's
 * count against the mean and standard deviation of the same user's previous windows. A count is flagged when it is at
 * least {@link #MINIMUM} and above mean + 3 standard deviations (at least 1, so a flat baseline still needs a real jump).
 * Plain logic over audit-ingest's activity answer.
 */
public final class Anomalies {

    static final long MINIMUM = 5;
    private record Measure(String description, ToLongFunction<Activity.Counts> count) {
    }

    private static final Map<String, Measure> MEASURES = Map.of("violations", new Measure("policy violations", Activity.Counts::violations),
            "denied", new Measure("denied calls", Activity.Counts::denied),
            "fileModifications", new Measure("file modifications", Activity.Counts::fileModifications),
            "mcpCalls", new Measure("MCP calls", Activity.Counts::mcpCalls));

    private Anomalies() {
    }

    public static List<Anomaly> of(Activity activity) {
        List<Anomaly> anomalies = new ArrayList<>();
        for (Activity.UserActivity user : activity.users()) {
            for (Map.Entry<String, Measure> measure : MEASURES.entrySet()) {
                ToLongFunction<Activity.Counts> count = measure.getValue().count();
                long now = count.applyAsLong(user.window());
                List<Activity.Counts> baseline = user.baseline();
                double mean = 0;
                for (Activity.Counts b : baseline) {
                    mean += count.applyAsLong(b);
                }
                mean /= Math.max(1, baseline.size());
                double variance = 0;
                for (Activity.Counts b : baseline) {
                    variance += Math.pow(count.applyAsLong(b) - mean, 2);
                }
                double sd = Math.sqrt(variance / Math.max(1, baseline.size()));
                double threshold = mean + 3 * Math.max(sd, 1);
                if (now >= MINIMUM && now > threshold) {
                    anomalies.add(new Anomaly(user.user(), measure.getKey(), now, round(mean), round(sd),
                            String.format("%s: %d in this window, usually %.1f (standard deviation %.1f) over the previous %d windows",
                                    measure.getValue().description(), now, mean, sd, baseline.size())));
                }
            }
        }
        anomalies.sort(Comparator.comparingDouble((Anomaly a) -> -(a.count() - a.baselineMean()) / Math.max(a.baselineSd(), 1))
                .thenComparing(Anomaly::user).thenComparing(Anomaly::measure));
        return anomalies;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
