package io.ccpolicy.report.service;

import io.ccpolicy.report.client.ArchiveVerification;
import io.ccpolicy.report.client.AuditIngestApi;
import io.ccpolicy.report.client.AuditSummary;
import io.ccpolicy.report.client.ExceptionRequest;
import io.ccpolicy.report.client.ExceptionServiceApi;
import io.ccpolicy.report.client.PolicyServiceApi;
import io.ccpolicy.report.client.PolicyVersion;
import io.ccpolicy.report.client.Publication;
import io.ccpolicy.report.entity.ReportRunEntity;
import io.ccpolicy.report.repository.ReportRunRepository;
import io.ccpolicy.report.rest.dto.ComplianceReport;
import io.ccpolicy.service.client.Upstream;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Gathers a period's evidence from audit-ingest, policy-service and exception-service (as the caller), builds the report
 * and records that it was generated, by whom, for which period and in which format.
 */
@ApplicationScoped
public class ComplianceReportService {

    private final AuditIngestApi audit;
    private final PolicyServiceApi policies;
    private final ExceptionServiceApi exceptions;
    private final ReportRunRepository runs;
    private final Clock clock;

    public ComplianceReportService(@RestClient AuditIngestApi audit, @RestClient PolicyServiceApi policies,
            @RestClient ExceptionServiceApi exceptions, ReportRunRepository runs, Clock clock) {
        this.audit = audit;
        this.policies = policies;
        this.exceptions = exceptions;
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
        String bearer = Upstream.bearer(token);
        AuditSummary summary = read("audit-ingest", () -> audit.summary(from, to, bearer));
        // The recorded verification of the archive hours that start in the period (those not sealed yet are not counted).
        ArchiveVerification archive = read("audit-ingest", () -> audit.archiveVerification(from.truncatedTo(ChronoUnit.HOURS),
                to.minusNanos(1), bearer));
        List<PolicyVersion> versions = read("policy-service", () -> policies.versions(bearer));
        List<Publication> publications = read("policy-service", () -> policies.publications(bearer));
        // Newest first: the first organization publication is the one in force.
        String organizationDocument = publications.stream().filter(p -> "organization".equals(p.scope().type())).findFirst()
                .map(p -> read("policy-service", () -> policies.version(p.revision(), bearer)).document()).orElse(null);
        List<ExceptionRequest> requests = read("exception-service", () -> exceptions.requests(bearer));
        // Histories only of the requests the report can speak of: approved in the period (so requested before its end and
        // not expired before its start), or used in it (for revocations); not of every request ever made.
        Set<String> used = new HashSet<>();
        summary.exceptionsUsed().forEach(u -> used.add(u.exceptionId()));
        Map<String, List<ExceptionRequest.Transition>> histories = new HashMap<>();
        for (ExceptionRequest x : requests) {
            boolean decided = !"pending".equals(x.state()) && !"denied".equals(x.state());
            boolean couldBeGrantedInPeriod = x.createdAt().isBefore(to) && (x.expiresAt() == null || !x.expiresAt().isBefore(from));
            if (decided && (couldBeGrantedInPeriod || used.contains(x.id()))) {
                histories.put(x.id(), read("exception-service", () -> exceptions.history(x.id(), bearer)));
            }
        }
        return new Evidence(from, to, summary, archive, versions, publications, organizationDocument, requests, histories);
    }

    private static <T> T read(String service, Supplier<T> call) {
        return Upstream.call(service, "the report needs its evidence from it", null, call);
    }

}
