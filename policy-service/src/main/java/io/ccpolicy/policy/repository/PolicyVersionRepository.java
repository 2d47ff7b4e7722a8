package io.ccpolicy.policy.repository;

import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class PolicyVersionRepository implements PanacheRepositoryBase<PolicyVersionEntity, Long> {

    public List<PolicyVersionEntity> newestFirst() {
        return listAll(Sort.descending("revision"));
    }
}
