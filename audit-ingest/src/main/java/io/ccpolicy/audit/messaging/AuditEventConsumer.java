package io.ccpolicy.audit.messaging;

import io.ccpolicy.audit.repository.AuditEventRepository;
import io.ccpolicy.audit.service.AuditEventRecords;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Stores each record of audit.events.v1. The offset is acknowledged only after the transaction commits, and a record
 * seen twice is stored once, so redelivery after a crash is harmless. Invalid records go to audit.events.dlq.
 */
@ApplicationScoped
public class AuditEventConsumer {

    private final AuditEventRecords records;
    private final AuditEventRepository events;

    public AuditEventConsumer(AuditEventRecords records, AuditEventRepository events) {
        this.records = records;
        this.events = events;
    }

    @Incoming("audit-events")
    @Blocking
    @Transactional
    public void store(String value) {
        events.insertIfAbsent(records.parse(value));
    }
}
