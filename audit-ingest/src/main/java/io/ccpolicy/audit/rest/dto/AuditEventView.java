package io.ccpolicy.audit.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

public record AuditEventView(String eventId, String machineId, String eventType, Instant occurredAt, Instant ingestedAt,
        JsonNode event) {
}
