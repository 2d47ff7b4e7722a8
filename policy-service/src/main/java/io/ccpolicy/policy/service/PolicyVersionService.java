package io.ccpolicy.policy.service;

import io.ccpolicy.policy.repository.PolicyVersionRepository;
import io.ccpolicy.policy.rest.dto.PolicyVersionSummary;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

@ApplicationScoped
public class PolicyVersionService {

    private final PolicyVersionRepository versions;

    public PolicyVersionService(PolicyVersionRepository versions) {
        this.versions = versions;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<PolicyVersionSummary> list() {
        return versions.newestFirst().stream()
                .map(v -> new PolicyVersionSummary(v.revision, v.sha256, v.author, v.changeNote, v.createdAt))
                .toList();
    }
}
