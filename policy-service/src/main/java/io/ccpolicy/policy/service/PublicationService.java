package io.ccpolicy.policy.service;

import io.ccpolicy.engine.audit.Sha256;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.ccpolicy.policy.entity.PublicationEntity;
import io.ccpolicy.policy.repository.PublicationRepository;
import io.ccpolicy.policy.rest.dto.PolicyVersionDetail;
import io.ccpolicy.policy.rest.dto.PublicationView;
import io.ccpolicy.policy.rest.dto.Scope;
import io.ccpolicy.service.outbox.AdminAuditEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Publishing versions to scopes, staged rollout and rollback. A scope's newest publication is in force; with a canary
 * share below 100, machines whose stable bucket (SHA-256 of the machine id, 0-99) is below the share get the new
 * revision and the rest keep the previous stable one.
 */
@ApplicationScoped
public class PublicationService {

    private final PublicationRepository publications;
    private final PolicyVersionService versions;
    private final AdminAuditEvents audit;
    private final Clock clock;

    public PublicationService(PublicationRepository publications, PolicyVersionService versions, AdminAuditEvents audit, Clock clock) {
        this.publications = publications;
        this.versions = versions;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public PublicationView publish(long revision, Scope requested, int canaryPercent, String note, String actor) {
        Scope scope = requested.normalized();
        PolicyVersionEntity version = versions.require(revision);
        Optional<PublicationEntity> current = publications.current(scope.type(), scope.value());
        Long stable = current.map(PublicationService::stableRevision).orElse(null);
        PublicationEntity publication = new PublicationEntity();
        publication.scopeType = scope.type();
        publication.scopeValue = scope.value();
        publication.revision = revision;
        publication.previousRevision = stable != null && stable == revision ? null : stable;
        publication.canaryPercent = canaryPercent;
        publication.publishedBy = actor;
        publication.note = note;
        publication.publishedAt = clock.instant();
        publications.persist(publication);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("kind", "policy_published");
        change.put("scope", scope.type() + ":" + scope.value());
        change.put("revision", revision);
        change.put("canaryPercent", canaryPercent);
        change.put("beforeRevision", stable);
        change.put("beforeSha256", stable == null ? null : versions.require(stable).sha256);
        change.put("afterSha256", version.sha256);
        change.put("note", note);
        audit.record(actor, "policy_published", change);
        return view(publication);
    }

    /** Re-publishes an earlier version's document as a new revision, for everyone in the scope at once. */
    @Transactional(rollbackOn = PolicyValidationException.class)
    public PublicationView rollback(Scope scope, long toRevision, String note, String actor) throws PolicyValidationException {
        PolicyVersionEntity target = versions.require(toRevision);
        PolicyVersionDetail copy = versions.submit(target.document, "rollback to revision " + toRevision + ": " + note, actor);
        return publish(copy.revision(), scope, 100, "rollback to revision " + toRevision + ": " + note, actor);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PublicationView> list() {
        return publications.newestFirst().stream().map(PublicationService::view).toList();
    }

    /** The revision in force for one machine in a scope, honouring a staged rollout; empty when nothing is published. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Long> revisionFor(Scope requested, String machineId) {
        Scope scope = requested.normalized();
        return publications.current(scope.type(), scope.value()).map(p -> revisionFor(p, machineId));
    }

    /** The revision a publication puts in force for one machine (null: a canary's outside share with nothing before). */
    static Long revisionFor(PublicationEntity publication, String machineId) {
        return publication.canaryPercent == 100 || bucket(machineId) < publication.canaryPercent ? publication.revision
                : publication.previousRevision;
    }

    /** A machine's stable place in 0-99, the same on every server and every day. */
    public static int bucket(String machineId) {
        return (int) (Long.parseLong(Sha256.hex(machineId).substring(0, 8), 16) % 100);
    }

    private static Long stableRevision(PublicationEntity p) {
        return p.canaryPercent == 100 ? Long.valueOf(p.revision) : p.previousRevision;
    }

    private static PublicationView view(PublicationEntity p) {
        return new PublicationView(p.id, new Scope(p.scopeType, p.scopeValue), p.revision, p.previousRevision, p.canaryPercent,
                p.publishedBy, p.note, p.publishedAt);
    }
}
