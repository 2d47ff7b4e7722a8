package io.ccpolicy.policy.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.ImpactAnalysis;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.policy.config.PolicyServiceConfig;
import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.ccpolicy.policy.repository.PublicationRepository;
import io.ccpolicy.policy.rest.dto.ImpactReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.ServiceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ImpactService(PolicyVersionService versions, PublicationRepository publications, PolicyServiceConfig config, ObjectMapper json) {
        this.versions = versions;
        this.publications = publications;
        this.config = config.impact();
        this.json = json;
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
        URI uri = config.auditUrl().resolve(query.toString());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + bearerToken)
                .header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ServiceUnavailableException("audit-ingest at " + config.auditUrl() + " is not reachable (" + e.getMessage()
                    + "); impact analysis reads recorded events from it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while reading audit events");
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new ForbiddenException("Impact analysis reads recorded events from audit-ingest with your token, and audit-ingest refused it "
                        + "(HTTP " + response.statusCode() + "): the token needs the audit-reader role as well.");
            }
            if (response.statusCode() != 200) {
                throw new ServiceUnavailableException("audit-ingest answered HTTP " + response.statusCode() + " for " + uri.getPath());
            }
            return json.readValue(body, Map.class);
        } catch (IOException e) {
            throw new ServiceUnavailableException("audit-ingest's answer could not be read: " + e.getMessage());
        }
    }

    private static PolicyDocument parse(PolicyVersionEntity version) {
        try {
            return PolicyParser.parse("revision " + version.revision, version.document);
        } catch (PolicyValidationException e) {
            throw new IllegalStateException("stored revision " + version.revision + " no longer validates", e);
        }
    }
}
