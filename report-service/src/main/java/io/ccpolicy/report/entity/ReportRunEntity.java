package io.ccpolicy.report.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

@Entity
@Table(name = "report_run")
public class ReportRunEntity {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public String format;

    @Column(name = "period_from", nullable = false)
    public Instant periodFrom;

    @Column(name = "period_to", nullable = false)
    public Instant periodTo;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
