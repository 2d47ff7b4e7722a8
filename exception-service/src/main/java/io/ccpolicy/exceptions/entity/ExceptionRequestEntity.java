package io.ccpolicy.exceptions.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "exception_request")
public class ExceptionRequestEntity {

    @Id
    public UUID id;

    @Column(name = "policy_name", nullable = false)
    public String policyName;

    @Column(name = "scope_type", nullable = false)
    public String scopeType;

    @Column(name = "scope_value", nullable = false)
    public String scopeValue;

    @Column(name = "requested_value")
    public String requestedValue;

    @Column(nullable = false)
    public String requester;

    @Column(nullable = false)
    public String reason;

    @JdbcTypeCode(SqlTypes.INTERVAL_SECOND)
    @Column(name = "requested_duration", nullable = false)
    public Duration requestedDuration;

    @Column(nullable = false)
    public String state;

    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "decision_reason")
    public String decisionReason;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "trigger_event_id")
    public String triggerEventId;

    @Column(name = "trigger_at")
    public Instant triggerAt;

    @Column(name = "trigger_tool")
    public String triggerTool;

    @Column(name = "trigger_detail")
    public String triggerDetail;
}
