package io.ccpolicy.policy.repository;

import io.ccpolicy.policy.entity.PublicationEntity;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@ApplicationScoped
public class PublicationRepository implements PanacheRepositoryBase<PublicationEntity, Long> {

    /** The publication in force for a scope: its newest. */
    public Optional<PublicationEntity> current(String scopeType, String scopeValue) {
        return find("scopeType = ?1 and scopeValue = ?2", Sort.descending("id"), scopeType, scopeValue).firstResultOptional();
    }

    /** The publication in force for every scope, keyed "type:value". */
    public Map<String, PublicationEntity> inForce() {
        Map<String, PublicationEntity> current = new HashMap<>();
        for (PublicationEntity p : list("id in (select max(q.id) from PublicationEntity q group by q.scopeType, q.scopeValue)")) {
            current.put(p.scopeType + ":" + p.scopeValue, p);
        }
        return Map.copyOf(current);
    }

    public List<PublicationEntity> newestFirst() {
        return listAll(Sort.descending("id"));
    }
}
