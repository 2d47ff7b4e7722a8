package io.ccpolicy.engine.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record policy-service sends to {@link #TOPIC} at every enrolment, key replacement and revocation of a machine
 * (key: the machine id; the topic is compacted, so the newest state of every machine stays). audit-ingest keeps the
 * newest ({@code changedAt}) and checks every event's signature, machine and user against it.
 */
public record EnrolmentChange(String machineId, String email, String publicKey, String keyId, Instant changedAt, Instant revokedAt,
        String revokedBy) {

    public static final String TOPIC = "machine.enrolments.v1";

    public boolean revoked() {
        return revokedAt != null;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("machineId", machineId);
        map.put("email", email);
        map.put("publicKey", publicKey);
        map.put("keyId", keyId);
        map.put("changedAt", changedAt.toString());
        map.put("revokedAt", revokedAt == null ? null : revokedAt.toString());
        map.put("revokedBy", revokedBy);
        return map;
    }

    /** A record that lacks what every enrolment must carry is refused with the field named. */
    public static EnrolmentChange fromMap(Map<?, ?> map) {
        return new EnrolmentChange(text(map, "machineId"), text(map, "email"), text(map, "publicKey"), text(map, "keyId"),
                Instant.parse(text(map, "changedAt")), map.get("revokedAt") instanceof String r ? Instant.parse(r) : null,
                map.get("revokedBy") instanceof String b ? b : null);
    }

    private static String text(Map<?, ?> map, String field) {
        if (!(map.get(field) instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("enrolment record has no " + field);
        }
        return text;
    }
}
