package io.ccpolicy.report.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccpolicy.report.rest.dto.Anomaly;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Users whose activity in a window departs strongly from their own trailing baseline: for each measure, the window's
 * count against the mean and standard deviation of the same user's previous windows. A count is flagged when it is at
 * least {@link #MINIMUM} and above mean + 3 standard deviations (at least 1, so a flat baseline still needs a real jump).
 * Plain logic over audit-ingest's activity answer.
 */
public final class Anomalies {

    static final long MINIMUM = 5;
    private static final Map<String, String> MEASURES = Map.of("violations", "policy violations", "denied", "denied calls",
            "fileModifications", "file modifications", "mcpCalls", "MCP calls");

    private Anomalies() {
    }

    public static List<Anomaly> of(JsonNode activity) {
        List<Anomaly> anomalies = new ArrayList<>();
        for (JsonNode user : activity.path("users")) {
            for (Map.Entry<String, String> measure : MEASURES.entrySet()) {
                long now = user.path("window").path(measure.getKey()).asLong();
                JsonNode baseline = user.path("baseline");
                double mean = 0;
                for (JsonNode b : baseline) {
                    mean += b.path(measure.getKey()).asLong();
                }
                mean /= Math.max(1, baseline.size());
                double variance = 0;
                for (JsonNode b : baseline) {
                    variance += Math.pow(b.path(measure.getKey()).asLong() - mean, 2);
                }
                double sd = Math.sqrt(variance / Math.max(1, baseline.size()));
                double threshold = mean + 3 * Math.max(sd, 1);
                if (now >= MINIMUM && now > threshold) {
                    anomalies.add(new Anomaly(user.path("user").asText(), measure.getKey(), now, round(mean), round(sd),
                            String.format("%s: %d in this window, usually %.1f (standard deviation %.1f) over the previous %d windows",
                                    measure.getValue(), now, mean, sd, baseline.size())));
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
