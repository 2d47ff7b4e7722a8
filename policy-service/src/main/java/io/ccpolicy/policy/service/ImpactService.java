package io.ccpolicy.policy.service;

import io.ccpolicy.engine.audit.ImpactAnalysis;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.policy.config.PolicyServiceConfig;
import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.ccpolicy.policy.repository.PublicationRepository;
import io.ccpolicy.policy.rest.dto.ImpactReport;
import io.ccpolicy.service.rest.CallerClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ServiceUnavailableException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Impact analysis before publishing: recorded tool calls in a time range (optionally one team's), read page by page from
 * audit-ingest's query API with the caller's own token (reading audit events takes the audit-reader role there), replayed
 * under the version in force and under the draft. Nothing is stored.
 */
@ApplicationScoped
public class ImpactService {

    private static final int PAGE = 1000;

    private final PolicyVersionService versions;
    private final PublicationRepository publications;
    private final PolicyServiceConfig.Impact config;
    private final CallerClient caller;

    public ImpactService(PolicyVersionService versions, PublicationRepository publications, PolicyServiceConfig config, CallerClient caller) {
        this.versions = versions;
        this.publications = publications;
        this.config = config.impact();
        this.caller = caller;
    }

    /** {@code against} null: the version the organization has in force (none: every call was allowed). */
    public ImpactReport analyse(long draftRevision, Long against, Instant from, Instant to, String team, String bearerToken) {
        PolicyVersionEntity draft = versions.require(draftRevision);
        Long baseline = against != null ? against
                : publications.current("organization", "*").map(p -> p.revision).orElse(null);
        ImpactAnalysis analysis = new ImpactAnalysis(baseline == null ? null : parse(versions.require(baseline)), parse(draft), config.examples());
        String cursor = null;
        long read = 0;
        boolean truncated = false;
        do {
            Map<?, ?> page = page(from, to, team, cursor, bearerToken);
            if (!(page.get("events") instanceof List<?> events)) {
                throw new ServiceUnavailableException("audit-ingest answered without events");
            }
            for (Object item : events) {
                if (item instanceof Map<?, ?> row && row.get("event") instanceof Map<?, ?> event) {
                    analysis.add(event);
                }
            }
            read += events.size();
            cursor = page.get("nextCursor") instanceof String next && !next.isBlank() ? next : null;
            if (cursor != null && read >= config.maxEvents()) {
                truncated = true;
                cursor = null;
            }
        } while (cursor != null);
        return ImpactReport.of(draftRevision, baseline, from, to, team, truncated, analysis.report());
    }

    private Map<?, ?> page(Instant from, Instant to, String team, String cursor, String bearerToken) {
        StringBuilder query = new StringBuilder("/api/v1/audit/events?limit=" + PAGE + "&from=" + from + "&to=" + to);
        if (team != null && !team.isBlank()) {
            query.append("&team=").append(URLEncoder.encode(team, StandardCharsets.UTF_8));
        }
        if (cursor != null) {
            query.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        return caller.get("audit-ingest", config.auditUrl().resolve(query.toString()), bearerToken, Map.class, Duration.ofSeconds(60),
                "impact analysis reads recorded events from it", "audit-reader");
    }

    private static PolicyDocument parse(PolicyVersionEntity version) {
        try {
            return PolicyParser.parse("revision " + version.revision, version.document);
        } catch (PolicyValidationException e) {
            throw new IllegalStateException("stored revision " + version.revision + " no longer validates", e);
        }
    }
}
