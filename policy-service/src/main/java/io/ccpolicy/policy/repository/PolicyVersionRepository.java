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

    /** The next revision; the table lock (until the transaction ends) keeps concurrent submissions from sharing one. */
    public long nextRevisionLocked() {
        getEntityManager().createNativeQuery("lock table policy_version in share row exclusive mode").executeUpdate();
        Number max = (Number) getEntityManager().createNativeQuery("select coalesce(max(revision), 0) from policy_version").getSingleResult();
        return max.longValue() + 1;
    }
}
