package io.ccpolicy.audit.service;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** The archive bucket: created at startup when missing, probed by the readiness check. */
@ApplicationScoped
public class ArchiveBucket {

    private static final Logger LOG = Logger.getLogger(ArchiveBucket.class);

    private final S3Client s3;
    private final String bucket;

    public ArchiveBucket(S3Client s3, AuditIngestConfig config) {
        this.s3 = s3;
        this.bucket = config.s3().bucket();
    }

    void createIfMissing(@Observes StartupEvent started) {
        try {
            ensureExists();
        } catch (SdkException e) {
            // Not fatal: readiness stays DOWN and events wait in Kafka until the store is back.
            LOG.warnf("archive bucket %s not reachable at startup: %s", bucket, e.getMessage());
        }
    }

    public void ensureExists() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException missing) {
            s3.createBucket(b -> b.bucket(bucket));
            LOG.infof("created archive bucket %s", bucket);
        }
    }

    public String name() {
        return bucket;
    }
}
