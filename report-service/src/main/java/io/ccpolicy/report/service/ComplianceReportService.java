package io.ccpolicy.report.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccpolicy.report.config.ReportServiceConfig;
import io.ccpolicy.report.entity.ReportRunEntity;
import io.ccpolicy.report.repository.ReportRunRepository;
import io.ccpolicy.report.rest.dto.ComplianceReport;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Gathers a period's evidence from audit-ingest, policy-service and exception-service (as the caller), builds the report
 * and records that it was generated, by whom, for which period and in which format.
 */
@ApplicationScoped
public class ComplianceReportService {

    private final PlatformClient platform;
    private final ReportServiceConfig config;
    private final ReportRunRepository runs;
    private final Clock clock;

    public ComplianceReportService(PlatformClient platform, ReportServiceConfig config, ReportRunRepository runs, Clock clock) {
        this.platform = platform;
        this.config = config;
        this.runs = runs;
        this.clock = clock;
    }

    /** Evidence is read outside any transaction; the run is recorded in its own, short one. */
    public ComplianceReport generate(String kind, Instant from, Instant to, String format, String actor, String token) {
        Evidence evidence = evidence(from, to, token);
        Instant now = clock.instant();
        ComplianceReport report = kind.equals("soc2") ? ComplianceReportBuilder.soc2(evidence, now, actor)
                : ComplianceReportBuilder.hipaa(evidence, now, actor);
        ReportRunEntity run = new ReportRunEntity();
        run.id = UUID.randomUUID();
        run.kind = kind;
        run.format = format;
        run.periodFrom = from;
        run.periodTo = to;
        run.requestedBy = actor;
        run.createdAt = now;
        QuarkusTransaction.requiringNew().run(() -> runs.persist(run));
        return report;
    }

    private Evidence evidence(Instant from, Instant to, String token) {
        String period = "from=" + PlatformClient.encoded(from) + "&to=" + PlatformClient.encoded(to);
        JsonNode summary = platform.get("audit-ingest", config.auditUrl(), "/api/v1/audit/events/summary?" + period, token);
        // The recorded verification of the archive hours that start in the period (those not sealed yet are not counted).
        JsonNode archive = platform.get("audit-ingest", config.auditUrl(), "/api/v1/audit/archive/verification?from="
                + PlatformClient.encoded(from.truncatedTo(ChronoUnit.HOURS)) + "&to=" + PlatformClient.encoded(to.minusNanos(1)), token);
        List<JsonNode> versions = list(platform.get("policy-service", config.policyUrl(), "/api/v1/policies/versions", token));
        List<JsonNode> publications = list(platform.get("policy-service", config.policyUrl(), "/api/v1/policies/publications", token));
        String organizationDocument = null;
        for (JsonNode p : publications) {
            // Newest first: the first organization publication is the one in force.
            if ("organization".equals(p.path("scope").path("type").asText())) {
                organizationDocument = platform.get("policy-service", config.policyUrl(), "/api/v1/policies/versions/"
                        + p.path("revision").asLong(), token).path("document").asText();
                break;
            }
        }
        List<JsonNode> exceptions = list(platform.get("exception-service", config.exceptionsUrl(), "/api/v1/exceptions", token));
        // Histories only of the requests the report can speak of: approved in the period (so requested before its end and
        // not expired before its start), or used in it (for revocations); not of every request ever made.
        Set<String> used = new HashSet<>();
        summary.path("exceptionsUsed").forEach(u -> used.add(u.path("exceptionId").asText()));
        Map<String, List<JsonNode>> histories = new HashMap<>();
        for (JsonNode x : exceptions) {
            String id = x.path("id").asText();
            boolean decided = !"pending".equals(x.path("state").asText()) && !"denied".equals(x.path("state").asText());
            boolean couldBeGrantedInPeriod = Instant.parse(x.path("createdAt").asText()).isBefore(to)
                    && (!x.path("expiresAt").isTextual() || !Instant.parse(x.path("expiresAt").asText()).isBefore(from));
            if (decided && (couldBeGrantedInPeriod || used.contains(id))) {
                histories.put(id, list(platform.get("exception-service", config.exceptionsUrl(), "/api/v1/exceptions/" + id + "/history", token)));
            }
        }
        return new Evidence(from, to, summary, archive, versions, publications, organizationDocument, exceptions, histories);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

}
