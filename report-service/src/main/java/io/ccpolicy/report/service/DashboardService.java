package io.ccpolicy.report.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.report.config.ReportServiceConfig;
import io.ccpolicy.report.rest.dto.Overview;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** The dashboard's overview of a window, from audit-ingest, read as the signed-in user. */
@ApplicationScoped
public class DashboardService {

    private static final int RECENT = 20;

    private final PlatformClient platform;
    private final ReportServiceConfig config;
    private final Clock clock;
    private final ObjectMapper json;

    public DashboardService(PlatformClient platform, ReportServiceConfig config, Clock clock, ObjectMapper json) {
        this.json = json;
        this.platform = platform;
        this.config = config;
        this.clock = clock;
    }

    public Overview overview(Duration window, String token) {
        Instant to = clock.instant();
        Instant from = to.minus(window);
        String period = "from=" + PlatformClient.encoded(from) + "&to=" + PlatformClient.encoded(to);
        JsonNode summary = platform.get("audit-ingest", config.auditUrl(), "/api/v1/audit/events/summary?" + period, token);
        JsonNode activity = platform.get("audit-ingest", config.auditUrl(), "/api/v1/audit/events/activity?" + period + "&baselineWindows=7", token);
        List<JsonNode> recent = new ArrayList<>();
        for (String decision : List.of("deny", "ask", "warn")) {
            platform.get("audit-ingest", config.auditUrl(), "/api/v1/audit/events?" + period + "&decision=" + decision + "&order=newest&limit="
                    + RECENT, token).path("events").forEach(recent::add);
        }
        recent.sort(Comparator.comparing((JsonNode e) -> e.path("occurredAt").asText()).reversed());
        JsonNode t = summary.path("totals");
        List<Overview.Count> byPolicy = breakdown(summary);
        List<Overview.Point> trend = new ArrayList<>();
        activity.path("trend").forEach(p -> trend.add(new Overview.Point(Instant.parse(p.path("hour").asText()), p.path("events").asLong(),
                p.path("violations").asLong(), p.path("denied").asLong())));
        List<Overview.Violation> violations = recent.stream()
                .flatMap(row -> Overview.Violation.of(AuditEvent.fromMap(json.convertValue(row.path("event"), Map.class))).stream())
                .limit(RECENT).toList();
        return new Overview(from, to, t.path("users").asLong(), t.path("sessions").asLong(), t.path("denied").asLong() + t.path("asked").asLong()
                + t.path("warned").asLong(), t.path("denied").asLong(), summary.path("exceptionsUsed").size(), t.path("toolCalls").asLong(),
                byPolicy, trend, violations, Anomalies.of(activity), integrity(summary, platform.get("audit-ingest", config.auditUrl(),
                        "/api/v1/audit/archive/verification?" + period, token)));
    }

    /** Every policy's violations by verdict (denied, asked, warned: the headline's three), largest first, with shares. */
    private static List<Overview.Count> breakdown(JsonNode summary) {
        List<Overview.Count> counted = new ArrayList<>();
        for (Map.Entry<String, String> list : List.of(Map.entry("deniedByPolicy", "deny"), Map.entry("askedByPolicy", "ask"),
                Map.entry("warnedByPolicy", "warn"))) {
            summary.path(list.getKey()).forEach(c -> counted.add(new Overview.Count(c.path("key").asText(), list.getValue(), c.path("count").asLong(), 0)));
        }
        long total = counted.stream().mapToLong(Overview.Count::count).sum();
        // one pass to count, one to share; ties in the same order on every instance (policy, then verdict)
        return counted.stream().map(c -> new Overview.Count(c.policy(), c.verdict(), c.count(), Math.round(1000.0 * c.count() / total) / 10.0))
                .sorted(Comparator.comparingLong(Overview.Count::count).reversed().thenComparing(Overview.Count::policy)
                        .thenComparing(Overview.Count::verdict))
                .toList();
    }

    /** The ingest findings of the window and the archive sweep's findings for its hours, newest first. */
    private static List<Overview.IntegrityFinding> integrity(JsonNode summary, JsonNode archive) {
        List<Overview.IntegrityFinding> found = new ArrayList<>();
        summary.path("integrityFindings").forEach(f -> found.add(new Overview.IntegrityFinding(Instant.parse(f.path("detectedAt").asText()),
                f.path("kind").asText("chain"), "machine " + f.path("machineId").asText() + ", event " + f.path("eventId").asText(),
                f.path("problem").asText())));
        archive.path("findings").forEach(f -> found.add(new Overview.IntegrityFinding(Instant.parse(f.path("verifiedAt").asText()),
                f.path("where").asText().startsWith("PostgreSQL ") ? "stored" : "archive", f.path("where").asText(), f.path("problem").asText())));
        found.sort(Comparator.comparing(Overview.IntegrityFinding::at).reversed());
        return found;
    }
}
