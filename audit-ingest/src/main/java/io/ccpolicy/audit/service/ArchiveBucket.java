package io.ccpolicy.audit.service;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The archive bucket: created at startup when missing (with Object Lock when configured), probed by the readiness
 * check. With an Object Lock mode configured, every write carries that mode and a retain-until date, and is refused
 * while the bucket does not show Object Lock enabled: an archive that claims to be write-once must be.
 */
@ApplicationScoped
public class ArchiveBucket {

    private static final Logger LOG = Logger.getLogger(ArchiveBucket.class);

    private final S3Client s3;
    private final String bucket;
    private final Optional<ObjectLockMode> lockMode;
    private final Duration retainFor;
    private final Clock clock;
    private volatile boolean lockConfirmed;

    public ArchiveBucket(S3Client s3, AuditIngestConfig config, Clock clock) {
        this.s3 = s3;
        this.bucket = config.s3().bucket();
        this.lockMode = lockMode(config.archive().objectLock().mode());
        this.retainFor = config.archive().objectLock().retainFor();
        this.clock = clock;
    }

    private static Optional<ObjectLockMode> lockMode(String configured) {
        return switch (configured.toLowerCase(Locale.ROOT)) {
            case "none" -> Optional.empty();
            case "compliance" -> Optional.of(ObjectLockMode.COMPLIANCE);
            case "governance" -> Optional.of(ObjectLockMode.GOVERNANCE);
            default -> throw new IllegalArgumentException("audit-ingest.archive.object-lock.mode is '" + configured
                    + "'; expected compliance, governance or none");
        };
    }

    void createIfMissing(@Observes StartupEvent started) {
        try {
            ensureExists();
        } catch (RuntimeException e) {
            // Not fatal: readiness stays DOWN and events wait in Kafka until the store is back (or has Object Lock).
            LOG.warnf("archive bucket %s not ready at startup: %s", bucket, e.getMessage());
        }
    }

    /** Creates the bucket when missing; with Object Lock configured, checks the bucket has it. Throws what is wrong. */
    public void ensureExists() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException missing) {
            try {
                s3.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(lockMode.isPresent() ? Boolean.TRUE : null));
            } catch (SdkException e) {
                throw lockMode.isEmpty() ? e : new IllegalStateException(noLock("creating it with Object Lock failed: " + e.getMessage()), e);
            }
            LOG.infof("created archive bucket %s%s", bucket, lockMode.map(m -> " with Object Lock").orElse(""));
        }
        if (lockMode.isPresent() && !lockConfirmed) {
            ObjectLockEnabled enabled;
            try {
                enabled = s3.getObjectLockConfiguration(b -> b.bucket(bucket)).objectLockConfiguration().objectLockEnabled();
            } catch (SdkException e) {
                throw new IllegalStateException(noLock("the store answers " + e.getMessage()), e);
            }
            if (enabled != ObjectLockEnabled.ENABLED) {
                throw new IllegalStateException(noLock("its Object Lock configuration is " + enabled));
            }
            lockConfirmed = true;
        }
    }

    private String noLock(String why) {
        return "archive bucket " + bucket + " has no S3 Object Lock, which audit-ingest.archive.object-lock.mode="
                + lockMode.orElseThrow().toString().toLowerCase(Locale.ROOT) + " requires (" + why + "); nothing is archived until it has";
    }

    /** A put of {@code key} with the configured Object Lock; refused while the bucket's lock is not confirmed. */
    PutObjectRequest.Builder put(String key) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(bucket).key(key);
        if (lockMode.isPresent()) {
            ensureExists();
            put.objectLockMode(lockMode.get()).objectLockRetainUntilDate(clock.instant().plus(retainFor))
                    .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256);
        }
        return put;
    }

    public String name() {
        return bucket;
    }

    /** The configured Object Lock mode, or "none". */
    public String lockMode() {
        return lockMode.map(m -> m.toString().toLowerCase(Locale.ROOT)).orElse("none");
    }
}
