package io.ccpolicy.audit.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "machine_chain")
public class MachineChainEntity {

    @Id
    @Column(name = "machine_id")
    public String machineId;

    @Column(name = "last_seq", nullable = false)
    public long lastSeq;

    @Column(name = "last_hash", nullable = false)
    public String lastHash;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
