package io.ccpolicy.audit.config;

import io.ccpolicy.engine.audit.AuditEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "audit-ingest")
public interface AuditIngestConfig {

    /** The S3-compatible archive of audit events. */
    S3 s3();

    /** Consumption of audit.events.v1 (the broker and its security settings are the standard {@code kafka.*} keys). */
    Consumer consumer();

    Archive archive();

    /** How far an agent's timestamp may lie from ingest time before the event is flagged (kind {@code clock}). */
    Clock clock();

    /** How events are checked against machine enrolments (EventAuthenticity). */
    Enrolment enrolment();

    interface Enrolment {
        /** {@code enforce}: unsigned events and unknown machines are refused; {@code record}: they are kept and counted. */
        @WithDefault("record")
        String mode();

        /**
         * The public keys (PEM) administrative events are signed with, by application name ({@code policy-service},
         * {@code exception-service}): an event of machine {@code service:<name>} must verify with its service's key.
         */
        Map<String, String> serviceKeys();
    }

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

    interface Consumer {
        @WithDefault(AuditEvent.TOPIC)
        String topic();

        @WithDefault("audit.events.dlq")
        String deadLetterTopic();

        @WithDefault("audit-ingest")
        String groupId();

        /** Consumer threads in this instance (each takes its share of the partitions; more instances scale further). */
        @WithDefault("2")
        int threads();

        /** Records per batch: one database transaction and one archive object per Kafka partition. */
        @WithDefault("5000")
        int maxBatch();

        /**
         * The broker holds a fetch until this much is waiting (or {@link #batchLinger()} passes). Each batch costs a
         * commit, a few round trips and an archive object per partition whatever its size, so while agents ship, a
         * threshold of one fetch's worth (64 KiB, about 60 events) made ingest spend its time on batch overhead.
         */
        @WithDefault("1048576")
        int batchMinBytes();

        /** The longest a fetch waits for {@link #batchMinBytes()}: the delay it can add to a quiet trail (at most 10 s). */
        @WithDefault("250ms")
        Duration batchLinger();

        /** First wait after a failed batch (Postgres, S3 or Kafka away); doubles up to {@link #maxBackoff()}. */
        @WithDefault("500ms")
        Duration backoff();

        @WithDefault("30s")
        Duration maxBackoff();
    }

    interface Clock {
        /** Ahead of ingest time: only a wrong clock does that. */
        @WithDefault("5m")
        Duration futureTolerance();

        /** Behind ingest time: a laptop offline for a while ships late, but not this late without a wrong clock. */
        @WithDefault("14d")
        Duration pastTolerance();
    }

    interface Archive {
        /** The Ed25519 private key (PKCS#8 PEM) that signs hourly manifests, as text (e.g. from a Kubernetes Secret)... */
        Optional<String> signingKey();

        /** ...or as a file. */
        Optional<Path> signingKeyFile();

        /**
         * Create {@link #signingKeyFile()} (and its .pub) when it does not exist: for the local platform and tests only.
         * Off by default, so a production deployment without its key refuses to start instead of signing with a stray one.
         */
        @WithDefault("false")
        boolean generateMissingKey();

        /** How long after an hour ends its manifest is sealed: in-flight batches of that hour finish first. */
        @WithDefault("2m")
        Duration sealDelay();

        /** How often due hours are sealed (read by the sealer's schedule). */
        @WithDefault("1m")
        Duration sealEvery();

        /** The first sealing round after start. */
        @WithDefault("30s")
        Duration sealFirstAfter();

        /** How often sealed hours not verified yet are verified against the archive (read by the verifier's schedule). */
        @WithDefault("1m")
        Duration verifyEvery();

        /** The first verification round after start. */
        @WithDefault("45s")
        Duration verifyFirstAfter();

        /**
         * How long a sweep's results stand: once the sweep through every sealed hour is this old, the next one starts at the
         * archive's first hour again, so an object altered after its hour was verified is found within this time.
         */
        @WithDefault("24h")
        Duration reverifyAfter();

        /** S3 Object Lock on everything the archive writes. */
        ObjectLock objectLock();
    }

    interface ObjectLock {
        /**
         * {@code compliance} (nobody, the store's root account included, can delete or overwrite an object before its
         * retention ends), {@code governance}, or {@code none} for a store without Object Lock (s3proxy, the local
         * platform's). With a mode set, the bucket must have Object Lock enabled: until it has, nothing is archived and
         * readiness says why, while events wait in Kafka.
         */
        @WithDefault("none")
        String mode();

        /** How long each object and manifest stays locked after it is written. */
        @WithDefault("400d")
        Duration retainFor();
    }
}
