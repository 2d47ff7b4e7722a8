package io.ccpolicy.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "integrity_finding")
public class IntegrityFindingEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "machine_id", nullable = false)
    public String machineId;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column
    public Long seq;

    /** {@code chain} or {@code clock} (see {@link io.ccpolicy.audit.repository.IngestRepository.Finding}). */
    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public String problem;

    @Column(name = "detected_at", nullable = false)
    public Instant detectedAt;
}
