package io.ccpolicy.audit.service;

import io.ccpolicy.audit.domain.IncomingEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.AuditEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** Turns a record from audit.events.v1 into an event to store, refusing records that are not an {@link AuditEvent} (the reason names the field). */
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
        AuditEvent typed;
        try {
            typed = AuditEvent.fromMap(event);
        } catch (IllegalArgumentException e) {
            throw new InvalidAuditEventException(e.getMessage());
        }
        // The archive is one event per line: a record written across lines is stored in its compact form (same content).
        String compact = value.indexOf('\n') < 0 && value.indexOf('\r') < 0 ? value : compactForm(event);
        return new IncomingEvent(typed.eventId(), typed.machine().id(), typed.action().type(), typed.timestamp(), compact, event, partition,
                offset);
    }

    private String compactForm(Map<String, Object> event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new InvalidAuditEventException("cannot be written back as JSON: " + e.getOriginalMessage());
        }
    }
}
