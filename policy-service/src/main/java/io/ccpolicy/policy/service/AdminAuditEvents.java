package io.ccpolicy.policy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.policy.entity.AdminAuditChainEntity;
import io.ccpolicy.policy.entity.AdminAuditOutboxEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Records an administrative change as an audit event in the transaction of the change (a transactional outbox, relayed
 * to audit.events.v1 by {@code AdminAuditRelay}): the change and its record commit together or not at all. Events are
 * sealed into this service's own hash chain, so audit-ingest verifies them like any machine's.
 */
@ApplicationScoped
public class AdminAuditEvents {

    public static final String SOURCE = "service:policy-service";

    private final EntityManager em;
    private final ObjectMapper json;
    private final Clock clock;

    public AdminAuditEvents(EntityManager em, ObjectMapper json, Clock clock) {
        this.em = em;
        this.json = json;
        this.clock = clock;
    }

    /** Must run inside the transaction that makes the change. */
    public void record(String actor, String change, Map<String, Object> detail) {
        AdminAuditChainEntity head = em.find(AdminAuditChainEntity.class, SOURCE, LockModeType.PESSIMISTIC_WRITE);
        if (head == null) {
            head = new AdminAuditChainEntity();
            head.source = SOURCE;
            head.lastSeq = AuditChain.Head.START.seq();
            head.lastHash = AuditChain.Head.START.hash();
            em.persist(head);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "1.0");
        event.put("timestamp", clock.instant().toString());
        event.put("eventId", "evt_" + UUID.randomUUID());
        event.put("eventType", "AdminChange");
        event.put("user", Map.of("email", actor));
        event.put("machine", Map.of("id", SOURCE));
        event.put("action", Map.of("type", "policy_change", "tool", change, "result", "recorded"));
        event.put("change", detail);
        Map<String, Object> sealed = AuditChain.seal(event, new AuditChain.Head(head.lastSeq, head.lastHash));
        AuditChain.Head next = AuditChain.headOf(sealed);
        head.lastSeq = next.seq();
        head.lastHash = next.hash();
        AdminAuditOutboxEntity row = new AdminAuditOutboxEntity();
        row.eventId = (String) sealed.get("eventId");
        try {
            row.payload = json.writeValueAsString(sealed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit event of plain values is always JSON", e);
        }
        row.createdAt = clock.instant();
        em.persist(row);
    }
}
