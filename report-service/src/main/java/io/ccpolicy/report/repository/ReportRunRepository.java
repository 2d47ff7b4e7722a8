package io.ccpolicy.report.repository;

import io.ccpolicy.report.entity.ReportRunEntity;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ReportRunRepository implements PanacheRepositoryBase<ReportRunEntity, UUID> {

    public List<ReportRunEntity> latest(int limit) {
        return findAll(Sort.descending("createdAt")).page(Page.ofSize(limit)).list();
    }
}
