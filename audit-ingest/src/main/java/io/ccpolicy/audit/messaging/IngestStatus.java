package io.ccpolicy.audit.messaging;

import io.ccpolicy.audit.service.BatchIngestor;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** What the consumer loop last did, for readiness and the logs. */
@ApplicationScoped
public class IngestStatus {

    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile Instant lastSuccess;
    private volatile String lastError;
    private volatile int consecutiveFailures;
    private volatile boolean running;

    void started() {
        running = true;
    }

    void stopped() {
        running = false;
    }

    void succeeded(BatchIngestor.Result result, Instant at) {
        stored.addAndGet(result.stored());
        deadLettered.addAndGet(result.deadLettered());
        lastSuccess = at;
        lastError = null;
        consecutiveFailures = 0;
    }

    void failed(String error) {
        lastError = error;
        consecutiveFailures++;
    }

    public boolean running() {
        return running;
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
