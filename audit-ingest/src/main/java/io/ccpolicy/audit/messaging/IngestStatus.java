package io.ccpolicy.audit.messaging;

import io.ccpolicy.audit.service.BatchIngestor;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** What the consumer loop last did, for readiness, the logs and metrics ({@code audit_ingest_dead_lettered_total}). */
@ApplicationScoped
public class IngestStatus {

    public IngestStatus(io.micrometer.core.instrument.MeterRegistry metrics) {
        io.micrometer.core.instrument.FunctionCounter.builder("audit.ingest.dead.lettered", deadLettered, AtomicLong::get)
                .description("audit records moved to the dead-letter topic instead of being stored").register(metrics);
    }

    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile Instant lastSuccess;
    private volatile String lastError;
    private volatile int consecutiveFailures;
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    void started() {
        running.incrementAndGet();
    }

    void stopped() {
        running.decrementAndGet();
    }

    void succeeded(BatchIngestor.Result result, Instant at) {
        stored.addAndGet(result.stored());
        deadLettered.addAndGet(result.deadLettered());
        lastSuccess = at;
        lastError = null;
        consecutiveFailures = 0;
    }

    void deadLettered(int records) {
        deadLettered.addAndGet(records);
    }

    void failed(String error) {
        lastError = error;
        consecutiveFailures++;
    }

    public boolean running() {
        return running.get() > 0;
    }

    public long stored() {
        return stored.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }

    public String lastError() {
        return lastError;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }
}
