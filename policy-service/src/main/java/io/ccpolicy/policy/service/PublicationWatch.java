package io.ccpolicy.policy.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wakes long-polling bundle requests when anything is published: at once for a publication made by this instance, and
 * within a second for one made by another instance (the newest publication id is polled).
 */
@ApplicationScoped
public class PublicationWatch {

    private final EntityManager em;
    private final AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private volatile long newest = -1;

    public PublicationWatch(EntityManager em) {
        this.em = em;
    }

    /** Completes at the next publication. */
    public CompletableFuture<Void> nextPublication() {
        return next.get();
    }

    /** Call after a publication has committed. */
    public void published() {
        generation.incrementAndGet();
        next.getAndSet(new CompletableFuture<>()).complete(null);
    }

    /** Changes whenever anything may have been published: what was computed from publications before is stale. */
    public long generation() {
        return generation.get();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pollNewest() {
        long current = QuarkusTransaction.requiringNew().call(() ->
                ((Number) em.createNativeQuery("select coalesce(max(id), 0) from publication").getSingleResult()).longValue());
        if (newest >= 0 && current != newest) {
            published();
        }
        newest = current;
    }
}
