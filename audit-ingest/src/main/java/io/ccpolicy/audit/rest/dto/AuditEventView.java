package io.ccpolicy.audit.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A stored event; {@code unverified}: why its origin is not proven (enrolment.mode=record), null when it is. */
public record AuditEventView(String eventId, String machineId, String eventType, Instant occurredAt, Instant ingestedAt,
        String unverified, JsonNode event) {
}
