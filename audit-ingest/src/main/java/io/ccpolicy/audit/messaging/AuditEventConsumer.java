package io.ccpolicy.audit.messaging;

import io.ccpolicy.audit.repository.AuditEventRepository;
import io.ccpolicy.audit.entity.AuditEventEntity;
import io.ccpolicy.audit.service.AuditEventRecords;
import io.ccpolicy.audit.service.ChainVerifier;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stores each record of audit.events.v1 and checks it against its machine's hash chain. The offset is acknowledged only
 * after the transaction commits, and a record seen twice is stored once (and checked once), so redelivery after a crash
 * is harmless. Invalid records go to audit.events.dlq.
 */
@ApplicationScoped
public class AuditEventConsumer {

    private final AuditEventRecords records;
    private final AuditEventRepository events;
    private final ChainVerifier chains;

    public AuditEventConsumer(AuditEventRecords records, AuditEventRepository events, ChainVerifier chains) {
        this.records = records;
        this.events = events;
        this.chains = chains;
    }

    @Incoming("audit-events")
    @Blocking
    @Transactional
    public void store(String value) {
        AuditEventEntity event = records.parse(value);
        if (events.insertIfAbsent(event)) {
            chains.verify(event.machineId, event.eventId, event.payload);
        }
    }
}
