package io.ccpolicy.audit.repository;

import io.ccpolicy.audit.entity.AdminActionEntity;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

@ApplicationScoped
public class AdminActionRepository implements PanacheRepository<AdminActionEntity> {

    public List<AdminActionEntity> latest() {
        return findAll(Sort.descending("id")).page(0, 200).list();
    }
}
