package io.ccpolicy.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.entity.AuditEventEntity;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Turns a record from audit.events.v1 into a row, refusing records that lack what every event must carry. */
@ApplicationScoped
public class AuditEventRecords {

    private final ObjectMapper json;
    private final Clock clock;

    public AuditEventRecords(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    public AuditEventEntity parse(String value) {
        JsonNode root;
        try {
            root = json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new InvalidAuditEventException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAuditEventException("not a JSON object");
        }
        AuditEventEntity event = new AuditEventEntity();
        event.eventId = requiredText(root, "/eventId");
        event.machineId = requiredText(root, "/machine/id");
        event.eventType = requiredText(root, "/action/type");
        String timestamp = requiredText(root, "/timestamp");
        try {
            event.occurredAt = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new InvalidAuditEventException("/timestamp is not an ISO-8601 instant: " + timestamp);
        }
        event.payload = root.toString();
        event.ingestedAt = clock.instant();
        return event;
    }

    private static String requiredText(JsonNode root, String pointer) {
        JsonNode node = root.at(pointer);
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new InvalidAuditEventException(pointer + " is missing or not a non-empty string");
        }
        return node.asText();
    }
}
