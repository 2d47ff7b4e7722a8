package io.ccpolicy.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "audit_admin_action")
public class AdminActionEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String action;

    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public String detail;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;
}
