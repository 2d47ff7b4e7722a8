package io.ccpolicy.policy.service;

import io.ccpolicy.service.domain.DomainException;
import io.ccpolicy.engine.diff.PolicyDiff;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.ccpolicy.policy.repository.PolicyVersionRepository;
import io.ccpolicy.policy.rest.dto.PolicyChange;
import io.ccpolicy.policy.rest.dto.PolicyVersionDetail;
import io.ccpolicy.policy.rest.dto.PolicyVersionSummary;
import io.ccpolicy.service.outbox.AdminAuditEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable, validated policy versions: each submission becomes the next revision, with its author and change note. */
@ApplicationScoped
public class PolicyVersionService {

    private final PolicyVersionRepository versions;
    private final AdminAuditEvents audit;
    private final Clock clock;

    public PolicyVersionService(PolicyVersionRepository versions, AdminAuditEvents audit, Clock clock) {
        this.versions = versions;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PolicyVersionSummary> list() {
        return versions.newestFirst().stream().map(PolicyVersionService::summary).toList();
    }

    /** Validates the document with the engine (line and column for every problem) and stores it as the next revision. */
    @Transactional(rollbackOn = PolicyValidationException.class)
    public PolicyVersionDetail submit(String yaml, String note, String author) throws PolicyValidationException {
        PolicyParser.parse("policy.yaml", yaml);
        long revision = versions.nextRevisionLocked();
        PolicyVersionEntity version = new PolicyVersionEntity();
        version.revision = revision;
        version.document = yaml;
        version.sha256 = PolicyParser.sha256(yaml);
        version.author = author;
        version.changeNote = note;
        version.createdAt = clock.instant();
        versions.persist(version);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("kind", "policy_version_created");
        change.put("revision", revision);
        change.put("afterSha256", version.sha256);
        change.put("note", note);
        audit.record(author, "policy_version_created", change);
        return detail(version);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public PolicyVersionDetail get(long revision) {
        return detail(require(revision));
    }

    /** What changed from {@code from} to {@code to}, policy by policy. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PolicyChange> diff(long from, long to) {
        return PolicyDiff.between(document(require(from)), document(require(to))).stream()
                .map(c -> new PolicyChange(c.kind().name().toLowerCase(), c.subject(), c.detail())).toList();
    }

    PolicyVersionEntity require(long revision) {
        PolicyVersionEntity version = versions.findById(revision);
        if (version == null) {
            throw new DomainException.NotFound("No policy version with revision " + revision + ".");
        }
        return version;
    }

    private static PolicyDocument document(PolicyVersionEntity version) {
        try {
            return PolicyParser.parse("revision " + version.revision, version.document);
        } catch (PolicyValidationException e) {
            throw new IllegalStateException("stored revision " + version.revision + " no longer validates: " + e.getMessage(), e);
        }
    }

    private static PolicyVersionSummary summary(PolicyVersionEntity v) {
        return new PolicyVersionSummary(v.revision, v.sha256, v.author, v.changeNote, v.createdAt);
    }

    private static PolicyVersionDetail detail(PolicyVersionEntity v) {
        return new PolicyVersionDetail(v.revision, v.sha256, v.author, v.changeNote, v.createdAt, v.document);
    }
}
