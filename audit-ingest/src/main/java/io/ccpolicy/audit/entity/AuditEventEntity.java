package io.ccpolicy.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "audit_event")
public class AuditEventEntity {

    @Id
    @Column(name = "event_id")
    public String eventId;

    @Column(name = "machine_id", nullable = false)
    public String machineId;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public String payload;

    /** Why the event's origin is not proven (enrolment.mode=record); null when it is. */
    public String unverified;

    @Column(name = "ingested_at", nullable = false)
    public Instant ingestedAt;
}
