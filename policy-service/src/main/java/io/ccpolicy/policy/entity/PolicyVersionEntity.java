package io.ccpolicy.policy.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "policy_version")
public class PolicyVersionEntity {

    @Id
    public long revision;

    @Column(nullable = false)
    public String document;

    @Column(nullable = false)
    public String sha256;

    @Column(nullable = false)
    public String author;

    @Column(name = "change_note", nullable = false)
    public String changeNote;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
