package io.ccpolicy.audit.repository;

import io.ccpolicy.audit.entity.AuditEventEntity;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class AuditEventRepository implements PanacheRepositoryBase<AuditEventEntity, String> {

    /** Inserts the event unless one with the same id is already stored; returns whether it was new. */
    public boolean insertIfAbsent(AuditEventEntity event) {
        int inserted = getEntityManager().createNativeQuery("""
                        insert into audit_event (event_id, machine_id, event_type, occurred_at, payload, ingested_at)
                        values (?1, ?2, ?3, ?4, cast(?5 as jsonb), ?6)
                        on conflict (event_id) do nothing""")
                .setParameter(1, event.eventId)
                .setParameter(2, event.machineId)
                .setParameter(3, event.eventType)
                .setParameter(4, event.occurredAt)
                .setParameter(5, event.payload)
                .setParameter(6, event.ingestedAt)
                .executeUpdate();
        return inserted == 1;
    }
}
