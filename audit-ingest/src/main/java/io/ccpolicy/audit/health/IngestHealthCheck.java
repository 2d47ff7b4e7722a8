package io.ccpolicy.audit.health;

import io.ccpolicy.audit.messaging.IngestStatus;
import io.ccpolicy.audit.service.ArchiveSealer;
import io.ccpolicy.audit.service.ArchiveVerificationSweep;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Down while batches fail (events wait in Kafka, nothing is lost) or manifests cannot be sealed; says why. A failing
 * archive verification is reported but leaves the service ready: it stores nothing.
 */
@Readiness
@ApplicationScoped
public class IngestHealthCheck implements HealthCheck {

    private final IngestStatus status;
    private final ArchiveSealer sealer;
    private final ArchiveVerificationSweep sweep;

    public IngestHealthCheck(IngestStatus status, ArchiveSealer sealer, ArchiveVerificationSweep sweep) {
        this.status = status;
        this.sealer = sealer;
        this.sweep = sweep;
    }

    @Override
    public HealthCheckResponse call() {
        boolean failing = status.consecutiveFailures() > 0;
        HealthCheckResponseBuilder response = HealthCheckResponse.named("audit ingest")
                .status(status.running() && !failing && sealer.lastError() == null)
                .withData("consumer", status.running() ? "running" : "stopped")
                .withData("storedEvents", status.stored())
                .withData("deadLettered", status.deadLettered())
                .withData("lastBatch", String.valueOf(status.lastSuccess()));
        if (failing) {
            response.withData("failingBatches", status.consecutiveFailures()).withData("error", status.lastError());
        }
        if (sealer.lastError() != null) {
            response.withData("sealing", sealer.lastError());
        }
        if (sweep.lastError() != null) {
            response.withData("archiveVerification", sweep.lastError());
        }
        return response.build();
    }
}
