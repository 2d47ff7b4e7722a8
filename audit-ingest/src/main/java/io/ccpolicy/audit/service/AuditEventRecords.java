package io.ccpolicy.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Turns a record from audit.events.v1 into an event to store, refusing records that lack what every event must carry. */
@ApplicationScoped
public class AuditEventRecords {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final ObjectMapper json;

    public AuditEventRecords(ObjectMapper json) {
        this.json = json;
    }

    public IncomingEvent parse(String value, int partition, long offset) {
        if (value == null) {
            throw new InvalidAuditEventException("empty record");
        }
        if (value.indexOf('\u0000') >= 0 || value.contains("\\u0000")) {
            // PostgreSQL's jsonb cannot hold NUL: refused here, it goes to the dead-letter topic instead of failing the batch
            throw new InvalidAuditEventException("holds a NUL character (\\u0000), which the audit store cannot keep");
        }
        Map<String, Object> event;
        try {
            event = json.readValue(value, OBJECT);
        } catch (JsonProcessingException e) {
            throw new InvalidAuditEventException("not a JSON object: " + e.getOriginalMessage());
        }
        if (event == null) {
            throw new InvalidAuditEventException("not a JSON object");
        }
        String eventId = requiredText(event, "/eventId", "eventId");
        String machineId = requiredText(event, "/machine/id", "machine", "id");
        String eventType = requiredText(event, "/action/type", "action", "type");
        String timestamp = requiredText(event, "/timestamp", "timestamp");
        Instant occurredAt;
        try {
            occurredAt = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new InvalidAuditEventException("/timestamp is not an ISO-8601 instant: " + timestamp);
        }
        // The archive is one event per line: a record written across lines is stored in its compact form (same content).
        String compact = value.indexOf('\n') < 0 && value.indexOf('\r') < 0 ? value : compactForm(event);
        return new IncomingEvent(eventId, machineId, eventType, occurredAt, compact, event, partition, offset);
    }

    private String compactForm(Map<String, Object> event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new InvalidAuditEventException("cannot be written back as JSON: " + e.getOriginalMessage());
        }
    }

    private static String requiredText(Map<String, Object> event, String pointer, String... path) {
        Object node = event;
        for (String field : path) {
            node = node instanceof Map<?, ?> map ? map.get(field) : null;
        }
        if (!(node instanceof String text) || text.isBlank()) {
            throw new InvalidAuditEventException(pointer + " is missing or not a non-empty string");
        }
        return text;
    }
}
