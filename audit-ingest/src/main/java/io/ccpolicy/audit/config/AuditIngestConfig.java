package io.ccpolicy.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;

@ConfigMapping(prefix = "audit-ingest")
public interface AuditIngestConfig {

    /** The S3-compatible archive of audit events. */
    S3 s3();

    /** Events older than this many days are deleted (the organisation's retention setting). */
    @WithDefault("400")
    int retentionDays();

    interface S3 {
        URI endpoint();

        @WithDefault("us-east-1")
        String region();

        String accessKey();

        String secretKey();

        @WithDefault("ccpolicy-audit-archive")
        String bucket();
    }
}
