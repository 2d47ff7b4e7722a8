package io.ccpolicy.exceptions.repository;

import io.ccpolicy.exceptions.entity.ExceptionRequestEntity;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ExceptionRequestRepository implements PanacheRepositoryBase<ExceptionRequestEntity, UUID> {

    public List<ExceptionRequestEntity> newestFirst() {
        return listAll(Sort.descending("createdAt"));
    }

    public List<ExceptionRequestEntity> newestFirstBy(String requester) {
        return list("requester", Sort.descending("createdAt"), requester);
    }
}
