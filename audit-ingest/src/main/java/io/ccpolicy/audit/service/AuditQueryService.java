package io.ccpolicy.audit.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.entity.AuditEventEntity;
import io.ccpolicy.audit.repository.AuditEventRepository;
import io.ccpolicy.audit.rest.dto.AuditEventView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.UncheckedIOException;
import java.util.Optional;

@ApplicationScoped
public class AuditQueryService {

    private final AuditEventRepository events;
    private final ObjectMapper json;

    public AuditQueryService(AuditEventRepository events, ObjectMapper json) {
        this.events = events;
        this.json = json;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<AuditEventView> find(String eventId) {
        return events.findByIdOptional(eventId).map(this::view);
    }

    private AuditEventView view(AuditEventEntity e) {
        try {
            return new AuditEventView(e.eventId, e.machineId, e.eventType, e.occurredAt, e.ingestedAt, json.readTree(e.payload));
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException("stored payload of " + e.eventId + " is not JSON", ex);
        }
    }
}
