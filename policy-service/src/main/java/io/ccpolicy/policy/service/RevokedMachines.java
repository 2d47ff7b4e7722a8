package io.ccpolicy.policy.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The machines whose enrolment was revoked, held in memory so that waking thousands of long-polling agents at a
 * publication asks the database nothing per agent. A revocation made here counts at once; one made by another instance
 * within a second (the list is read again every second, as publications are).
 */
@ApplicationScoped
public class RevokedMachines {

    private final EntityManager em;
    private volatile Set<String> revoked;
    private volatile boolean stopping;

    public RevokedMachines(EntityManager em) {
        this.em = em;
    }

    /** Whether the machine's enrolment is revoked. */
    public boolean contains(String machineId) {
        Set<String> known = revoked;
        if (known == null) {
            refresh();
            known = revoked;
        }
        return known.contains(machineId);
    }

    /** Whether the list is in memory and does not hold the machine: known without asking the database. */
    public boolean knownNotRevoked(String machineId) {
        Set<String> known = revoked;
        return known != null && !known.contains(machineId);
    }

    /** Call when this instance revokes a machine. */
    void add(String machineId) {
        Set<String> more = new HashSet<>(revoked == null ? Set.of() : revoked);
        more.add(machineId);
        revoked = Set.copyOf(more);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        if (stopping) {
            return;
        }
        List<?> ids = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select machine_id from machine_enrolment where revoked_at is not null").getResultList());
        revoked = Set.copyOf(ids.stream().map(String::valueOf).toList());
    }
}
