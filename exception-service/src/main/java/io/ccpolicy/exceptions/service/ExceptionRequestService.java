package io.ccpolicy.exceptions.service;

import io.ccpolicy.service.domain.DomainException;
import io.ccpolicy.exceptions.config.ExceptionServiceConfig;
import io.ccpolicy.exceptions.entity.ExceptionEventEntity;
import io.ccpolicy.exceptions.entity.ExceptionRequestEntity;
import io.ccpolicy.exceptions.messaging.ExceptionStatePublisher;
import io.ccpolicy.exceptions.repository.ExceptionRequestRepository;
import io.ccpolicy.exceptions.rest.dto.ExceptionHistoryView;
import io.ccpolicy.exceptions.rest.dto.ExceptionRequestInput;
import io.ccpolicy.exceptions.rest.dto.DeniedCall;
import io.ccpolicy.exceptions.rest.dto.ExceptionRequestView;
import io.ccpolicy.service.outbox.AdminAuditEvents;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The exception workflow: pending -> approved (with an expiry no later than the organisation's maximum) or denied;
 * approved -> revoked, or expired when its time is up. Nobody approves their own request. Every transition is kept as
 * history and recorded as an administrative audit event in the same transaction.
 */
@ApplicationScoped
public class ExceptionRequestService {

    private final ExceptionRequestRepository requests;
    private final EntityManager em;
    private final AdminAuditEvents audit;
    private final ExceptionStatePublisher states;
    private final ExceptionServiceConfig config;
    private final Clock clock;

    public ExceptionRequestService(ExceptionRequestRepository requests, EntityManager em, AdminAuditEvents audit, ExceptionStatePublisher states,
            ExceptionServiceConfig config, Clock clock) {
        this.requests = requests;
        this.em = em;
        this.audit = audit;
        this.states = states;
        this.config = config;
        this.clock = clock;
    }

    /** Approvers and admins see every request; a developer sees only their own. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ExceptionRequestView> visibleTo(String caller, boolean seesAll) {
        List<ExceptionRequestEntity> rows = seesAll ? requests.newestFirst() : requests.newestFirstBy(caller);
        return rows.stream().map(ExceptionRequestService::view).toList();
    }

    @Transactional
    public ExceptionRequestView request(ExceptionRequestInput input, String requester) {
        Duration duration = Durations.parse(input.duration(), "duration");
        if (duration.compareTo(config.maxDuration()) > 0) {
            throw new DomainException.Invalid("duration " + input.duration() + " is longer than the organisation's maximum of "
                    + Durations.readable(config.maxDuration()));
        }
        String scopeValue = input.scope().equals("user") ? requester : input.scopeValue();
        if (scopeValue == null || scopeValue.isBlank()) {
            throw new DomainException.Invalid("scopeValue must name the " + input.scope());
        }
        Instant now = clock.instant();
        ExceptionRequestEntity request = new ExceptionRequestEntity();
        request.id = UUID.randomUUID();
        request.policyName = input.policy();
        request.scopeType = input.scope();
        request.scopeValue = scopeValue;
        request.requestedValue = input.value();
        request.requester = requester;
        request.reason = input.reason();
        request.requestedDuration = duration;
        request.state = "pending";
        request.createdAt = now;
        request.updatedAt = now;
        if (input.trigger() != null) {
            request.triggerEventId = input.trigger().eventId();
            request.triggerAt = input.trigger().at();
            request.triggerTool = input.trigger().tool();
            request.triggerDetail = input.trigger().detail();
        }
        requests.persist(request);
        transition(request, null, "pending", requester, input.reason());
        return view(request);
    }

    @Transactional
    public ExceptionRequestView approve(UUID id, String approver, String expiresIn, String note) {
        ExceptionRequestEntity request = require(id);
        if (request.requester.equals(approver)) {
            throw new DomainException.Refused("Nobody approves their own exception request.");
        }
        expect(request, Set.of("pending"), "approve");
        Duration granted = expiresIn == null || expiresIn.isBlank() ? request.requestedDuration : Durations.parse(expiresIn, "expiresIn");
        if (granted.compareTo(config.maxDuration()) > 0) {
            throw new DomainException.Invalid("expiresIn " + expiresIn + " is longer than the organisation's maximum of "
                    + Durations.readable(config.maxDuration()));
        }
        request.expiresAt = clock.instant().plus(granted);
        request.decidedBy = approver;
        request.decisionReason = note;
        transition(request, "pending", "approved", approver, note);
        return view(request);
    }

    @Transactional
    public ExceptionRequestView deny(UUID id, String approver, String reason) {
        ExceptionRequestEntity request = require(id);
        expect(request, Set.of("pending"), "deny");
        requireReason(reason, "deny");
        request.decidedBy = approver;
        request.decisionReason = reason;
        transition(request, "pending", "denied", approver, reason);
        return view(request);
    }

    @Transactional
    public ExceptionRequestView revoke(UUID id, String admin, String reason) {
        ExceptionRequestEntity request = require(id);
        expect(request, Set.of("approved", "pending"), "revoke");
        requireReason(reason, "revoke");
        transition(request, request.state, "revoked", admin, reason);
        return view(request);
    }

    @Scheduled(every = "1m", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expireEveryMinute() {
        expireDue();
    }

    /** Approved exceptions whose time is up become expired, and are recorded so. */
    @Transactional
    public int expireDue() {
        List<ExceptionRequestEntity> due = requests.list("state = 'approved' and expiresAt <= ?1", clock.instant());
        due.forEach(request -> transition(request, "approved", "expired", "system", "expired at " + request.expiresAt));
        return due.size();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public ExceptionRequestView get(UUID id) {
        return view(require(id));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ExceptionHistoryView> history(UUID id) {
        require(id);
        return em.createQuery("from ExceptionEventEntity e where e.requestId = ?1 order by e.id", ExceptionEventEntity.class)
                .setParameter(1, id).getResultList().stream()
                .map(e -> new ExceptionHistoryView(e.fromState, e.toState, e.actor, e.note, e.at)).toList();
    }

    private void transition(ExceptionRequestEntity request, String from, String to, String actor, String note) {
        Instant now = clock.instant();
        request.state = to;
        request.updatedAt = now;
        ExceptionEventEntity event = new ExceptionEventEntity();
        event.requestId = request.id;
        event.fromState = from;
        event.toState = to;
        event.actor = actor;
        event.note = note;
        event.at = now;
        em.persist(event);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("kind", "exception_" + to);
        change.put("exceptionId", request.id.toString());
        change.put("policy", request.policyName);
        change.put("value", request.requestedValue);
        change.put("scope", request.scopeType + ":" + request.scopeValue);
        change.put("requester", request.requester);
        change.put("fromState", from);
        change.put("expiresAt", request.expiresAt == null ? null : request.expiresAt.toString());
        change.put("note", note);
        audit.record(actor, "exception_" + to, change);
        states.published(request, event.id);
    }

    private ExceptionRequestEntity require(UUID id) {
        ExceptionRequestEntity request = requests.findById(id);
        if (request == null) {
            throw new DomainException.NotFound("No exception request " + id + ".");
        }
        return request;
    }

    private static void expect(ExceptionRequestEntity request, Set<String> states, String action) {
        if (!states.contains(request.state)) {
            throw new DomainException.Conflict("Cannot " + action + " exception request " + request.id + ": it is " + request.state + ".");
        }
    }

    private static void requireReason(String reason, String action) {
        if (reason == null || reason.isBlank()) {
            throw new DomainException.Invalid("a reason is required to " + action);
        }
    }

    private static ExceptionRequestView view(ExceptionRequestEntity e) {
        return new ExceptionRequestView(e.id, e.policyName, e.requestedValue, e.scopeType, e.scopeValue, e.requester, e.reason,
                e.requestedDuration.toString(), e.state, e.decidedBy, e.expiresAt, e.createdAt,
                e.triggerEventId == null ? null : new DeniedCall(e.triggerEventId, e.triggerAt, e.triggerTool, e.triggerDetail));
    }
}
