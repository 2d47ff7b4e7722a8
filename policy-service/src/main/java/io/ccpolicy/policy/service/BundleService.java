package io.ccpolicy.policy.service;

import io.ccpolicy.engine.bundle.BundleSignature;
import io.ccpolicy.engine.bundle.PolicyBundle;
import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.ccpolicy.policy.repository.PublicationRepository;
import io.ccpolicy.policy.rest.dto.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the signed bundle for one machine: the documents in force for its identity's scopes (organization, its teams,
 * its project), each resolved for the machine's place in any staged rollout.
 */
@ApplicationScoped
public class BundleService {

    /** A bundle as served: the signed JSON and its content digest (the ETag). */
    public record Signed(String json, String sha256, long revision) {
    }

    private final PublicationService publications;
    private final PublicationRepository publicationRows;
    private final PolicyVersionService versions;
    private final BundleSigningKey key;
    private final Clock clock;

    public BundleService(PublicationService publications, PublicationRepository publicationRows, PolicyVersionService versions,
            BundleSigningKey key, Clock clock) {
        this.publications = publications;
        this.publicationRows = publicationRows;
        this.versions = versions;
        this.key = key;
        this.clock = clock;
    }

    /** Empty when nothing at all is published for this identity. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Signed> bundleFor(String email, List<String> teams, String project, String machine) {
        List<Scope> scopes = new ArrayList<>();
        scopes.add(new Scope("organization", "*"));
        teams.stream().sorted().forEach(team -> scopes.add(new Scope("team", team)));
        if (project != null && !project.isBlank()) {
            scopes.add(new Scope("project", project));
        }
        List<PolicyBundle.Layer> layers = new ArrayList<>();
        for (Scope scope : scopes) {
            Optional<Long> revision = publications.revisionFor(scope, machine);
            if (revision.isPresent()) {
                PolicyVersionEntity version = versions.require(revision.get());
                layers.add(new PolicyBundle.Layer(scope.type() + ":" + scope.value(), version.revision, version.sha256, version.document));
            }
        }
        if (layers.isEmpty()) {
            return Optional.empty();
        }
        // The newest publication id only grows, so a bundle built later never carries a lower revision.
        long revision = publicationRows.newestId();
        PolicyBundle bundle = new PolicyBundle(revision, clock.instant(), email, teams, project == null ? "" : project, layers);
        return Optional.of(new Signed(BundleSignature.sign(bundle, key.privateKey()), bundle.contentSha256(), revision));
    }
}
