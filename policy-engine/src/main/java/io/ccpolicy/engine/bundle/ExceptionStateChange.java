package io.ccpolicy.engine.bundle;

import io.ccpolicy.engine.model.PolicyException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record exception-service sends to {@code exception.grants.v1} at every transition of an exception request (key:
 * the request id; the topic is compacted, so the newest state of every request stays). {@code version} grows with every
 * transition, so a consumer keeps a state only if it is newer than the one it holds. {@code decidedAt}: when the request
 * reached this state (approved, denied, revoked), null while pending and in records from before it was sent. Approved requests become grants in
 * the bundles they concern; pending ones are listed for their requester.
 */
public record ExceptionStateChange(String id, long version, String state, String policy, String value, String scope, String subject,
        String requester, String reason, String decidedBy, Instant expiresAt, Instant requestedAt, Instant decidedAt) {

    public static final String APPROVED = "approved";
    public static final String PENDING = "pending";

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", id);
        map.put("version", version);
        map.put("state", state);
        map.put("policy", policy);
        map.put("value", value);
        map.put("scope", scope);
        map.put("subject", subject);
        map.put("requester", requester);
        map.put("reason", reason);
        map.put("decidedBy", decidedBy);
        map.put("expiresAt", expiresAt == null ? null : expiresAt.toString());
        map.put("requestedAt", requestedAt.toString());
        map.put("decidedAt", decidedAt == null ? null : decidedAt.toString());
        return map;
    }

    /** A record that lacks what every state must carry is refused with the field named. */
    public static ExceptionStateChange fromMap(Map<?, ?> map) {
        if (!(map.get("version") instanceof Number version)) {
            throw new IllegalArgumentException("exception state has no numeric version");
        }
        String expires = optional(map, "expiresAt");
        String decided = optional(map, "decidedAt");
        ExceptionStateChange change = new ExceptionStateChange(required(map, "id"), version.longValue(), required(map, "state"),
                required(map, "policy"), optional(map, "value"), required(map, "scope"), required(map, "subject"), required(map, "requester"),
                optional(map, "reason"), optional(map, "decidedBy"), expires == null ? null : Instant.parse(expires),
                Instant.parse(required(map, "requestedAt")), decided == null ? null : Instant.parse(decided));
        PolicyException.scope(change.scope());
        if (change.state().equals(APPROVED) && (change.expiresAt() == null || change.decidedBy() == null)) {
            throw new IllegalArgumentException("approved exception " + change.id() + " has no expiry or no approver");
        }
        return change;
    }

    /** When the grant came into force: its decision, or (records from before decidedAt was sent) no later than its request. */
    public Instant inForceFrom() {
        return decidedAt != null ? decidedAt : requestedAt;
    }

    /** The exemption an approved request grants. */
    public PolicyException grant() {
        return new PolicyException(id, PolicyException.scope(scope), subject, List.of(policy), reason, decidedBy, Optional.of(expiresAt),
                value == null || value.isBlank() ? List.of() : List.of(value));
    }

    public PolicyBundle.PendingRequest pending() {
        return new PolicyBundle.PendingRequest(id, policy, value, scope, subject, reason, requestedAt);
    }

    private static String required(Map<?, ?> map, String field) {
        if (!(map.get(field) instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("exception state has no " + field);
        }
        return text;
    }

    private static String optional(Map<?, ?> map, String field) {
        return map.get(field) instanceof String text ? text : null;
    }
}
