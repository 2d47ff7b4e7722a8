package io.ccpolicy.report.service;

import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.report.client.Activity;
import io.ccpolicy.report.client.ArchiveVerification;
import io.ccpolicy.report.client.AuditIngestApi;
import io.ccpolicy.report.client.AuditSummary;
import io.ccpolicy.report.client.EventPage;
import io.ccpolicy.report.rest.dto.Overview;
import io.ccpolicy.service.client.Upstream;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The dashboard's overview of a window, from audit-ingest, read as the signed-in user. */
@ApplicationScoped
public class DashboardService {

    private static final int RECENT = 20;

    private final AuditIngestApi audit;
    private final Clock clock;

    public DashboardService(@RestClient AuditIngestApi audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    public Overview overview(Duration window, String token) {
        Instant to = clock.instant();
        Instant from = to.minus(window);
        String bearer = Upstream.bearer(token);
        AuditSummary summary = read(() -> audit.summary(from, to, bearer));
        Activity activity = read(() -> audit.activity(from, to, 7, bearer));
        List<EventPage.Row> recent = new ArrayList<>();
        for (String decision : List.of("deny", "ask", "warn")) {
            recent.addAll(read(() -> audit.newestEvents(from, to, decision, RECENT, "newest", bearer)).events());
        }
        recent.sort(Comparator.comparing(EventPage.Row::occurredAt).reversed());
        AuditSummary.Totals t = summary.totals();
        List<Overview.Point> trend = activity.trend().stream()
                .map(p -> new Overview.Point(p.hour(), p.events(), p.violations(), p.denied())).toList();
        List<Overview.Violation> newest = recent.stream().flatMap(row -> Overview.Violation.of(AuditEvent.fromMap(row.event())).stream())
                .limit(RECENT).toList();
        List<Overview.Count> byPolicy = breakdown(summary);
        // The guide's headline counts policy violations, as its breakdown does: a call two policies refuse is two of them.
        long violations = byPolicy.stream().mapToLong(Overview.Count::count).sum();
        return new Overview(from, to, t.users(), t.sessions(), violations, t.denied(), summary.exceptionsUsed().size(),
                t.toolCalls(), t.demo(), byPolicy, trend, newest, Anomalies.of(activity),
                integrity(summary, read(() -> audit.archiveVerification(from, to, bearer))));
    }

    private static <T> T read(Supplier<T> call) {
        return Upstream.call("audit-ingest", "the dashboard reads the fleet's activity from it", null, call);
    }

    /** Every policy's violations by verdict (denied, asked, warned: the headline's three), largest first, with shares. */
    private static List<Overview.Count> breakdown(AuditSummary summary) {
        List<Overview.Count> counted = new ArrayList<>();
        for (Map.Entry<List<AuditSummary.Count>, String> list : List.of(Map.entry(summary.deniedByPolicy(), "deny"),
                Map.entry(summary.askedByPolicy(), "ask"), Map.entry(summary.warnedByPolicy(), "warn"))) {
            list.getKey().forEach(c -> counted.add(new Overview.Count(c.key(), list.getValue(), c.count(), 0)));
        }
        long total = counted.stream().mapToLong(Overview.Count::count).sum();
        // one pass to count, one to share; ties in the same order on every instance (policy, then verdict)
        return counted.stream().map(c -> new Overview.Count(c.policy(), c.verdict(), c.count(), Math.round(1000.0 * c.count() / total) / 10.0))
                .sorted(Comparator.comparingLong(Overview.Count::count).reversed().thenComparing(Overview.Count::policy)
                        .thenComparing(Overview.Count::verdict))
                .toList();
    }

    /** The ingest findings of the window and the archive sweep's findings for its hours, newest first. */
    private static List<Overview.IntegrityFinding> integrity(AuditSummary summary, ArchiveVerification archive) {
        List<Overview.IntegrityFinding> found = new ArrayList<>();
        summary.integrityFindings().forEach(f -> found.add(new Overview.IntegrityFinding(f.detectedAt(), f.kindOrChain(),
                "machine " + f.machineId() + ", event " + f.eventId(), f.problem())));
        archive.findings().forEach(f -> found.add(new Overview.IntegrityFinding(f.verifiedAt(),
                f.where().startsWith("PostgreSQL ") ? "stored" : "archive", f.where(), f.problem())));
        found.sort(Comparator.comparing(Overview.IntegrityFinding::at).reversed());
        return found;
    }
}
