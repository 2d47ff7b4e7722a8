package io.ccpolicy.audit.health;

import io.ccpolicy.audit.service.ArchiveBucket;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.core.exception.SdkException;

/** Ready only while the S3 archive answers: without it nothing can be archived, so offsets must not move. */
@Readiness
@ApplicationScoped
public class ArchiveStorageHealthCheck implements HealthCheck {

    private final ArchiveBucket bucket;

    public ArchiveStorageHealthCheck(ArchiveBucket bucket) {
        this.bucket = bucket;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            bucket.ensureExists();
            return HealthCheckResponse.named("S3 audit archive").up().withData("bucket", bucket.name())
                    .withData("objectLock", bucket.lockMode()).build();
        } catch (SdkException | IllegalStateException e) {
            return HealthCheckResponse.named("S3 audit archive").down().withData("bucket", bucket.name())
                    .withData("objectLock", bucket.lockMode()).withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
