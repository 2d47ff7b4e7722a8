package io.ccpolicy.policy.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wakes long-polling bundle requests when anything that bundles are built from changes (a publication, an exception's
 * state): at once for a change made by this instance, and within a second for one made by another instance (the change
 * mark is polled).
 */
@ApplicationScoped
public class PublicationWatch {

    private final EntityManager em;
    private final AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());
    private final AtomicLong generation = new AtomicLong();
    private final AtomicInteger held = new AtomicInteger();
    private volatile long newest = -1;
    private volatile boolean stopping;

    public PublicationWatch(EntityManager em, MeterRegistry metrics) {
        this.em = em;
        // how many agents are connected and waiting: the fleet a publication reaches at once
        Gauge.builder("policy.bundle.polls.held", held, AtomicInteger::get)
                .description("bundle requests held open until the next publication (long polls)").register(metrics);
    }

    /** A request starts waiting for the next change. */
    public void holding() {
        held.incrementAndGet();
    }

    /** A waiting request was woken, timed out or went away. */
    public void released() {
        held.decrementAndGet();
    }

    /** Completes at the next change. */
    public CompletableFuture<Void> nextPublication() {
        // each caller gets its own stage: a held request whose wait runs out cancels its copy, never the shared signal
        return next.get().copy();
    }

    /** Call after a change has committed. */
    public void published() {
        generation.incrementAndGet();
        next.getAndSet(new CompletableFuture<>()).complete(null);
    }

    /** Changes whenever anything may have been published: what was computed from publications before is stale. */
    public long generation() {
        return generation.get();
    }

    /**
     * Grows with every publication and every stored exception state (the sum of two growing ids): the revision of bundles
     * built now. Call inside a transaction.
     */
    public long changeMark() {
        return ((Number) em.createNativeQuery("select (select coalesce(max(id), 0) from publication)"
                + " + (select coalesce(max(change_seq), 0) from exception_state)").getSingleResult()).longValue();
    }

    /** The scheduler may fire once more while the service stops, after the database is gone: nothing to watch then. */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pollNewest() {
        if (stopping) {
            return;
        }
        long current = QuarkusTransaction.requiringNew().call(this::changeMark);
        if (newest >= 0 && current != newest) {
            published();
        }
        newest = current;
    }
}
