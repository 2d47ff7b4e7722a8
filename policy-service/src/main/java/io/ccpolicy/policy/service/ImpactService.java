package io.ccpolicy.policy.service;

import io.ccpolicy.service.domain.DomainException;
import io.ccpolicy.engine.audit.ImpactAnalysis;
import io.ccpolicy.engine.bundle.ExceptionStateChange;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.model.Projects;
import io.ccpolicy.policy.entity.PublicationEntity;
import io.ccpolicy.policy.repository.ExceptionStateRepository;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.policy.config.PolicyServiceConfig;
import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.ccpolicy.policy.repository.PublicationRepository;
import io.ccpolicy.policy.rest.dto.ImpactReport;
import io.ccpolicy.policy.client.AuditEventsApi;
import io.ccpolicy.service.client.Upstream;
import io.ccpolicy.service.rest.Roles;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Impact analysis before publishing: recorded tool calls in a time range (optionally one team's), read page by page from
 * audit-ingest's query API with the caller's own token (reading audit events takes the audit-reader role there), replayed
 * under the organisation's version in force and under the draft, each with the team and project layers published for it
 * at its time and the grants then in force. Nothing is stored.
 */
@ApplicationScoped
public class ImpactService {

    private static final int PAGE = 1000;

    private final PolicyVersionService versions;
    private final PublicationRepository publications;
    private final PolicyServiceConfig.Impact config;
    private final AuditEventsApi auditEvents;
    private final ExceptionStateRepository exceptionStates;

    public ImpactService(PolicyVersionService versions, PublicationRepository publications, PolicyServiceConfig config,
            @RestClient AuditEventsApi auditEvents, ExceptionStateRepository exceptionStates) {
        this.versions = versions;
        this.exceptionStates = exceptionStates;
        this.publications = publications;
        this.config = config.impact();
        this.auditEvents = auditEvents;
    }

    /** {@code against} null: the version the organization has in force (none: every call was allowed). */
    public ImpactReport analyse(long draftRevision, Long against, Instant from, Instant to, String team, String bearerToken) {
        PolicyVersionEntity draft = versions.require(draftRevision);
        Long baseline = against != null ? against
                : publications.current("organization", "*").map(p -> p.revision).orElse(null);
        ImpactAnalysis analysis = new ImpactAnalysis(baseline == null ? null : parse(versions.require(baseline)), parse(draft), surroundings(),
                config.examples());
        String cursor = null;
        long read = 0;
        boolean truncated = false;
        do {
            String after = cursor;
            AuditEventsApi.Page page = Upstream.call("audit-ingest", "impact analysis reads recorded events from it", Roles.AUDIT_READER,
                    () -> auditEvents.page(from, to, team == null || team.isBlank() ? null : team, after, PAGE, Upstream.bearer(bearerToken)));
            if (page.events() == null) {
                throw new DomainException.Unavailable("audit-ingest answered without events");
            }
            for (AuditEventsApi.Row row : page.events()) {
                if (row.event() != null) {
                    analysis.add(row.event());
                }
            }
            read += page.events().size();
            cursor = page.nextCursor() != null && !page.nextCursor().isBlank() ? page.nextCursor() : null;
            if (cursor != null && read >= config.maxEvents()) {
                truncated = true;
                cursor = null;
            }
        } while (cursor != null);
        return ImpactReport.of(draftRevision, baseline, from, to, team, truncated, analysis.report());
    }

    /**
     * The layers and grants of the platform's history: for each team of the caller and each project pattern naming the
     * call's project, the newest publication at the call's time; the approved grants decided by then that concern it
     * (expiry is judged by the replay's clock). A grant revoked since is no longer known here and is left out.
     */
    private ImpactAnalysis.Surroundings surroundings() {
        List<PublicationEntity> history = publications.newestFirst();
        List<ExceptionStateChange> approved = exceptionStates.approved();
        Map<Long, PolicyDocument> documents = new HashMap<>();
        return new ImpactAnalysis.Surroundings() {
            @Override
            public List<PolicyDocument> layers(Identity who, String project, Instant at) {
                List<String> scopes = new ArrayList<>();
                who.teams().stream().sorted().forEach(team -> scopes.add("team:" + team));
                history.stream().filter(p -> p.scopeType.equals("project") && Projects.targets(p.scopeValue, project))
                        .map(p -> "project:" + p.scopeValue).distinct().sorted().forEach(scopes::add);
                List<PolicyDocument> layers = new ArrayList<>();
                for (String scope : scopes) {
                    history.stream().filter(p -> scope.equals(p.scopeType + ":" + p.scopeValue) && !p.publishedAt.isAfter(at)).findFirst()
                            .ifPresent(p -> layers.add(documents.computeIfAbsent(p.revision, r -> parse(versions.require(r)))));
                }
                return layers;
            }

            @Override
            public List<PolicyException> grants(Identity who, String project, Instant at) {
                return approved.stream().filter(state -> !state.inForceFrom().isAfter(at)).map(ExceptionStateChange::grant)
                        .filter(grant -> grant.concerns(who, project)).toList();
            }
        };
    }


    private static PolicyDocument parse(PolicyVersionEntity version) {
        try {
            return PolicyParser.parse("revision " + version.revision, version.document);
        } catch (PolicyValidationException e) {
            throw new IllegalStateException("stored revision " + version.revision + " no longer validates", e);
        }
    }
}
