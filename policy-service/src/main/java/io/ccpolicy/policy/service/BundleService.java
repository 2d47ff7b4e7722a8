package io.ccpolicy.policy.service;

import io.ccpolicy.engine.audit.CanonicalJson;
import io.ccpolicy.engine.bundle.BundleSignature;
import io.ccpolicy.engine.bundle.ExceptionStateChange;
import io.ccpolicy.engine.bundle.PolicyBundle;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.ccpolicy.policy.entity.PublicationEntity;
import io.ccpolicy.policy.repository.ExceptionStateRepository;
import io.ccpolicy.policy.repository.PublicationRepository;
import io.ccpolicy.policy.rest.dto.Scope;
import io.ccpolicy.service.keys.SigningKey;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the signed bundle for one machine: the documents in force for its identity's scopes (organization, its teams,
 * its project), each resolved for the machine's place in any staged rollout. Publications are read once per
 * generation ({@link PublicationWatch}) and versions are immutable, so answering thousands of agents needs no database
 * round trip, and a request whose ETag still matches is answered without signing anything.
 */
@ApplicationScoped
public class BundleService {

    /** A bundle as served: the signed JSON (null when the caller's ETag matched) and its content digest (the ETag). */
    public record Signed(String json, String sha256, long revision) {
    }

    /**
     * Publications and exception states in force, as of one generation, and the content digests computed from them so
     * far; {@code mark} is the revision of bundles built from it.
     */
    private record Snapshot(long generation, long mark, Map<String, PublicationEntity> current, List<ExceptionStateChange> exceptions,
            Map<String, String> digests, Map<List<PolicyBundle.Layer>, CanonicalJson.Fragment> layers) {
    }

    private final PublicationRepository publications;
    private final ExceptionStateRepository exceptionStates;
    private final PolicyVersionService versions;
    private final PublicationWatch watch;
    private final SigningKey key;
    private final Clock clock;
    private final Map<Long, PolicyVersionEntity> versionCache = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(-1, 0, Map.of(), List.of(), Map.of(), Map.of());

    public BundleService(PublicationRepository publications, ExceptionStateRepository exceptionStates, PolicyVersionService versions,
            PublicationWatch watch, SigningKey key, Clock clock) {
        this.publications = publications;
        this.exceptionStates = exceptionStates;
        this.versions = versions;
        this.watch = watch;
        this.key = key;
        this.clock = clock;
    }

    /** The scopes of an identity with a publication in force, the revisions in force for its machine, and the digest cache's key. */
    private record InForce(List<Scope> scopes, List<Long> revisions, String contentKey) {
    }

    /** Null when nothing at all is published for this identity. */
    private static InForce inForce(Snapshot current, String email, List<String> teams, String subject, String project, String machine) {
        List<Scope> scopes = new ArrayList<>();
        scopes.add(new Scope("organization", "*"));
        teams.stream().sorted().forEach(team -> scopes.add(new Scope("team", team)));
        // Every project publication: a session's project is its checkout's origin, known only on the machine, where the
        // agent applies a project's layer to the sessions whose origin its pattern names.
        current.current().keySet().stream().filter(key -> key.startsWith(PolicyBundle.PROJECT_LAYER)).sorted()
                .forEach(key -> scopes.add(new Scope("project", key.substring(PolicyBundle.PROJECT_LAYER.length()))));
        List<Long> revisions = new ArrayList<>();
        List<Scope> present = new ArrayList<>();
        for (Scope scope : scopes) {
            PublicationEntity publication = current.current().get(scope.type() + ":" + scope.value());
            Long revision = publication == null ? null : PublicationService.revisionFor(publication, machine);
            if (revision != null) {
                revisions.add(revision);
                present.add(scope);
            }
        }
        if (revisions.isEmpty()) {
            return null;
        }
        return new InForce(present, revisions, email + "|" + subject + "|" + String.join(",", teams) + "|" + project + "|" + present + revisions);
    }

    /**
     * The digest of this identity's bundle when it is known without the database: the current generation is in memory
     * and this bundle was built in it. An agent whose ETag matches it is answered 304 on the spot.
     */
    public Optional<String> knownDigest(String email, List<String> teams, String subject, String project, String machine) {
        Snapshot current = snapshot;
        if (current.generation() != watch.generation()) {
            return Optional.empty();
        }
        InForce inForce = inForce(current, email, teams, subject, project, machine);
        return inForce == null ? Optional.empty() : Optional.ofNullable(current.digests().get(inForce.contentKey()));
    }

    /** Empty when nothing at all is published for this identity; the JSON is left out when {@code knownSha256} still holds. */
    public Optional<Signed> bundleFor(String email, List<String> teams, String subject, String project, String machine, String knownSha256) {
        Snapshot current = snapshot();
        InForce inForce = inForce(current, email, teams, subject, project, machine);
        if (inForce == null) {
            return Optional.empty();
        }
        // Most requests are conditional and unchanged: answer them from the digest, without building the bundle.
        String knownDigest = current.digests().get(inForce.contentKey());
        if (knownDigest != null && knownDigest.equals(knownSha256)) {
            return Optional.of(new Signed(null, knownDigest, current.mark()));
        }
        List<PolicyBundle.Layer> layers = new ArrayList<>();
        for (int i = 0; i < inForce.scopes().size(); i++) {
            Scope scope = inForce.scopes().get(i);
            PolicyVersionEntity version = versionCache.computeIfAbsent(inForce.revisions().get(i),
                    r -> QuarkusTransaction.requiringNew().call(() -> versions.require(r)));
            layers.add(new PolicyBundle.Layer(scope.type() + ":" + scope.value(), version.revision, version.sha256, version.document));
        }
        Identity identity = new Identity(email, teams, "");
        String projectName = project == null ? "" : project;
        List<PolicyException> grants = new ArrayList<>();
        List<PolicyBundle.PendingRequest> pending = new ArrayList<>();
        for (ExceptionStateChange state : current.exceptions()) {
            PolicyException grant = state.state().equals(ExceptionStateChange.APPROVED) ? state.grant() : null;
            // A project's grants go to every machine: a session's project is its checkout's origin, known only on the
            // machine, and the agent applies such a grant only in a session of a repository it names.
            if (grant != null && (grant.scope() == PolicyException.Scope.PROJECT || grant.concerns(identity, projectName))) {
                grants.add(grant);
            } else if (state.state().equals(ExceptionStateChange.PENDING) && state.requester().equalsIgnoreCase(email)) {
                pending.add(state.pending());
            }
        }
        // The change mark only grows, so a bundle built later never carries a lower revision.
        PolicyBundle bundle = new PolicyBundle(current.mark(), clock.instant(), email, teams, projectName, layers, grants, pending, subject);
        // the policy documents are most of a bundle, and every identity with the same scopes has the same ones: written
        // once (the lookup is cheap: the documents are the cached versions' own strings, whose hashes are kept)
        CanonicalJson.Fragment layersJson = current.layers().get(layers);
        if (layersJson == null) {
            layersJson = PolicyBundle.layersJson(layers);
            if (current.layers().size() < 10_000) {
                current.layers().put(List.copyOf(layers), layersJson);
            }
        }
        PolicyBundle.Canonical canonical = bundle.canonical(layersJson);
        String sha256 = canonical.sha256();
        if (current.digests().size() < 100_000) {
            current.digests().put(inForce.contentKey(), sha256);
        }
        String json = sha256.equals(knownSha256) ? null : BundleSignature.sign(canonical, key.signer());
        return Optional.of(new Signed(json, sha256, current.mark()));
    }

    /**
     * The snapshot of the current generation, read once: a publication wakes every held request at the same moment, and
     * without the lock each of them would read the database (and start its own digest cache) before the first was done.
     */
    private Snapshot snapshot() {
        Snapshot current = snapshot;
        long generation = watch.generation();
        if (current.generation() == generation) {
            return current;
        }
        synchronized (this) {
            current = snapshot;
            if (current.generation() == generation) {
                return current;
            }
            Snapshot fresh = QuarkusTransaction.requiringNew().call(() -> new Snapshot(generation, watch.changeMark(),
                    publications.inForce(), exceptionStates.inForce(clock.instant()), new ConcurrentHashMap<>(), new ConcurrentHashMap<>()));
            snapshot = fresh;
            return fresh;
        }
    }
}
