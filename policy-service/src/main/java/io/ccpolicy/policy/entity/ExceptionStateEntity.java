package io.ccpolicy.policy.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The newest known state of one exception request (written by the grants consumer only). */
@Entity
@Table(name = "exception_state")
public class ExceptionStateEntity {

    @Id
    public String id;

    @Column(nullable = false)
    public long version;

    @Column(nullable = false)
    public String state;

    @Column(name = "policy_name", nullable = false)
    public String policyName;

    @Column
    public String value;

    @Column(name = "scope_type", nullable = false)
    public String scopeType;

    @Column(nullable = false)
    public String subject;

    @Column(nullable = false)
    public String requester;

    @Column
    public String reason;

    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Column(name = "change_seq", nullable = false)
    public long changeSeq;
}
