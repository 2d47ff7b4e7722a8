package io.ccpolicy.audit.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.ccpolicy.engine.audit.ArchiveManifest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Object Lock configured against a store that has none (s3proxy, the local one): nothing is archived unlocked, readiness
 * and ingest say why, and events wait in Kafka. (Locking itself needs a store with Object Lock, such as AWS S3; the
 * prod overlay configures it.)
 */
@QuarkusTest
@TestProfile(ArchiveObjectLockTest.ComplianceLock.class)
class ArchiveObjectLockTest {

    public static class ComplianceLock implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("audit-ingest.archive.object-lock.mode", "compliance", "audit-ingest.s3.bucket", "locked-archive");
        }
    }

    @Inject
    ArchiveStore store;

    @Inject
    software.amazon.awssdk.services.s3.S3Client s3;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void anArchiveThatMustBeLockedIsNotWrittenToAStoreWithoutObjectLock() throws Exception {
        given().get("/q/health/ready").then().statusCode(503)
                .body(containsString("archive bucket locked-archive has no S3 Object Lock, which audit-ingest.archive.object-lock.mode=compliance requires"))
                .body("checks.find { it.name == 'S3 audit archive' }.data.objectLock", org.hamcrest.Matchers.equalTo("compliance"));
        assertThatThrownBy(() -> store.writeManifest(ArchiveManifest.manifestKey(Instant.now()), new byte[] {'{', '}'}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nothing is archived until it has");

        String id = "evt_locked_" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("audit.events.v1", "machine-locked", """
                    {"version": "1.0", "timestamp": "%s", "eventId": "%s", "machine": {"id": "machine-locked"},
                     "action": {"type": "tool_execution", "tool": "Bash", "result": "allowed"}}""".formatted(Instant.now(), id))).get();
        }
        await("ingest reports why the batch waits").atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body(containsString("failingBatches")).body(containsString("has no S3 Object Lock")));
        assertThat(s3.listBuckets().buckets()).extracting(software.amazon.awssdk.services.s3.model.Bucket::name)
                .as("the store refused a bucket with Object Lock, and none was made without it: nothing was archived unlocked")
                .doesNotContain("locked-archive");
    }
}
