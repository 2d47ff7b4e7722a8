package io.ccpolicy.report.client;

import java.time.Instant;

/** An exception request as exception-service shows it; {@code value} and {@code expiresAt} may be absent. */
public record ExceptionRequest(String id, String policy, String value, String scopeType, String scopeValue, String requester,
        String state, String decidedBy, Instant expiresAt, Instant createdAt) {

    /** One step of a request's history. */
    public record Transition(String fromState, String toState, String actor, Instant at) {
    }
}
