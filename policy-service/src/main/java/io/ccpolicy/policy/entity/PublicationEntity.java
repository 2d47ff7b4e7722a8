package io.ccpolicy.policy.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "publication")
public class PublicationEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "scope_type", nullable = false)
    public String scopeType;

    @Column(name = "scope_value", nullable = false)
    public String scopeValue;

    @Column(nullable = false)
    public long revision;

    @Column(name = "previous_revision")
    public Long previousRevision;

    @Column(name = "canary_percent", nullable = false)
    public int canaryPercent;

    @Column(name = "published_by", nullable = false)
    public String publishedBy;

    @Column(nullable = false)
    public String note;

    @Column(name = "published_at", nullable = false)
    public Instant publishedAt;
}
