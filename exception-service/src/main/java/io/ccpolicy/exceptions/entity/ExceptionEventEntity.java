package io.ccpolicy.exceptions.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One transition of an exception request. */
@Entity
@Table(name = "exception_event")
public class ExceptionEventEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "request_id", nullable = false)
    public UUID requestId;

    @Column(name = "from_state")
    public String fromState;

    @Column(name = "to_state", nullable = false)
    public String toState;

    @Column(nullable = false)
    public String actor;

    @Column
    public String note;

    @Column(nullable = false)
    public Instant at;
}
