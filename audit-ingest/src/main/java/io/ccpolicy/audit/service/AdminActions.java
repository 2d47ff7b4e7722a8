package io.ccpolicy.audit.service;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.audit.entity.AdminActionEntity;
import io.ccpolicy.audit.repository.AdminActionRepository;
import io.ccpolicy.audit.repository.AuditEventRepository;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Actions on the audit store itself, each recorded as evidence: retention (events older than the organisation's
 * setting are deleted hourly, whole monthly partitions at a time), data-subject exports and clearing demo data.
 */
@ApplicationScoped
public class AdminActions {

    private static final Logger LOG = Logger.getLogger(AdminActions.class);

    private final AuditEventRepository events;
    private final AdminActionRepository actions;
    private final AuditIngestConfig config;
    private final Clock clock;

    public AdminActions(AuditEventRepository events, AdminActionRepository actions, AuditIngestConfig config, Clock clock) {
        this.events = events;
        this.actions = actions;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void hourlyRetention() {
        applyRetention();
    }

    /** Deletes events past the retention period; returns how many. */
    @Transactional
    public long applyRetention() {
        Instant cutoff = clock.instant().minus(Duration.ofDays(config.retentionDays()));
        long deleted = events.deleteBefore(cutoff);
        if (deleted > 0) {
            record("retention", "system", "deleted " + deleted + " event(s) older than " + cutoff + " (" + config.retentionDays() + " days)");
            LOG.infof("retention: deleted %d audit event(s) older than %s", deleted, cutoff);
        }
        return deleted;
    }

    /** Clears the demo fleet's events ({@code bin/platform demo --clear}), recorded as an administrative action; returns how many. */
    @Transactional
    public long clearDemo(String actor) {
        long cleared = events.clearDemo(clock.instant(), actor);
        record("demo_data_cleared", actor, "removed " + cleared + " event(s) of demo machines (demo-*); the archive keeps its sealed copies");
        return cleared;
    }

    @Transactional
    public void record(String action, String actor, String detail) {
        AdminActionEntity entity = new AdminActionEntity();
        entity.action = action;
        entity.actor = actor;
        entity.detail = detail;
        entity.occurredAt = clock.instant();
        actions.persist(entity);
    }
}
