package io.ccpolicy.policy.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "machine_enrolment")
public class MachineEnrolmentEntity {

    @Id
    @Column(name = "machine_id")
    public String machineId;

    @Column(name = "public_key", nullable = false)
    public String publicKey;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(nullable = false)
    public String email;

    @Column(name = "enrolled_at", nullable = false)
    public Instant enrolledAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_by")
    public String revokedBy;

    @Column(name = "revoke_reason")
    public String revokeReason;
}
