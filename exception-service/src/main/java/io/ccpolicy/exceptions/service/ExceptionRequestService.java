package io.ccpolicy.exceptions.service;

import io.ccpolicy.exceptions.entity.ExceptionRequestEntity;
import io.ccpolicy.exceptions.repository.ExceptionRequestRepository;
import io.ccpolicy.exceptions.rest.dto.ExceptionRequestView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

@ApplicationScoped
public class ExceptionRequestService {

    private final ExceptionRequestRepository requests;

    public ExceptionRequestService(ExceptionRequestRepository requests) {
        this.requests = requests;
    }

    /** Approvers and admins see every request; a developer sees only their own. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ExceptionRequestView> visibleTo(String caller, boolean seesAll) {
        List<ExceptionRequestEntity> rows = seesAll ? requests.newestFirst() : requests.newestFirstBy(caller);
        return rows.stream().map(ExceptionRequestService::view).toList();
    }

    private static ExceptionRequestView view(ExceptionRequestEntity e) {
        return new ExceptionRequestView(e.id, e.policyName, e.scopeType, e.scopeValue, e.requester, e.reason,
                e.requestedDuration.toString(), e.state, e.decidedBy, e.expiresAt, e.createdAt);
    }
}
