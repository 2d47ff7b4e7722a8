package io.ccpolicy.exceptions.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.bundle.ExceptionStateChange;
import io.ccpolicy.exceptions.config.ExceptionServiceConfig;
import io.ccpolicy.exceptions.entity.ExceptionRequestEntity;
import io.ccpolicy.service.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Publishes each transition of a request to the grants topic through the outbox, in the transition's transaction:
 * policy-service builds bundles from these, so an approval reaches the affected agents within seconds, and a revocation
 * or expiry removes it.
 */
@ApplicationScoped
public class ExceptionStatePublisher {

    private final Outbox outbox;
    private final ObjectMapper json;
    private final String topic;

    public ExceptionStatePublisher(Outbox outbox, ObjectMapper json, ExceptionServiceConfig config) {
        this.outbox = outbox;
        this.json = json;
        this.topic = config.grantsTopic();
    }

    /** {@code version}: the id of the transition's history row, which only grows. */
    public void published(ExceptionRequestEntity request, long version) {
        ExceptionStateChange change = new ExceptionStateChange(request.id.toString(), version, request.state, request.policyName,
                request.requestedValue, request.scopeType, request.scopeValue, request.requester, request.reason, request.decidedBy,
                request.expiresAt, request.createdAt, request.state.equals(ExceptionStateChange.PENDING) ? null : request.updatedAt);
        try {
            outbox.add(topic, change.id(), "exception-state-" + change.id() + "-" + version, json.writeValueAsString(change.toMap()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an exception state of plain values is always JSON", e);
        }
    }
}
