package io.ccpolicy.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.testinfra.Ports;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool shipper against a real Kafka broker (KRaft, in this JVM): nothing lost while Kafka is away, nothing twice. */
class AuditShipperTest {

    @TempDir
    Path dir;

    private final AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));

    private AgentConfig agent(int port) {
        return new AgentConfig("Acme", Identity.of("bob@acme.com"), "machine-7",
                new AgentConfig.AuditShipping(Map.of("bootstrap.servers", "127.0.0.1:" + port), "audit.events.v1", 1L << 30));
    }

    private static final java.util.function.Supplier<String> NO_TOKEN = () -> {
        throw new IllegalStateException("Kafka needs no token here");
    };

    /** The policy's audit section with this batch size and flush interval (seconds). */
    private static io.ccpolicy.engine.model.AuditSettings cadence(int batchSize, int flushSeconds) {
        return io.ccpolicy.engine.model.AuditSettings.DEFAULT.withCadence(batchSize, flushSeconds);
    }

    private static void record(AuditSpool audit, int events) {
        for (int i = 0; i < events; i++) {
            audit.append(Map.of("version", "1.0", "eventId", "evt_" + UUID.randomUUID(), "eventType", "PreToolUse",
                    "machine", Map.of("id", "machine-7")));
        }
    }

    @Test
    void eventsRecordedWhileKafkaIsDownArriveExactlyOnceWhenItIsBack() throws Exception {
        int port = Ports.freePort();
        int controller = Ports.freePort();
        try (AuditSpool audit = new AuditSpool(dir); AuditShipper shipper = new AuditShipper(audit, dir, agent(port), () -> cadence(100, 1), NO_TOKEN, log)) {
            record(audit, 1000);
            long waited = System.nanoTime();
            await().atMost(Duration.ofSeconds(120)).until(() -> !shipper.status().lastError().isEmpty());
            System.out.println("first shipping error after " + (System.nanoTime() - waited) / 1_000_000 + " ms: " + shipper.status().lastError());
            assertThat(audit.pendingBytes()).as("nothing is acknowledged while Kafka is down").isEqualTo(audit.size());
            assertThat(shipper.status().oldestUnsent()).isEmpty();

            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(port).withControllerPort(controller)
                    .withDeleteLogDirsOnClose(true).start();
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> audit.pendingBytes() == 0);
                List<ConsumerRecord<String, String>> records = consumeAll(broker.getAdvertisedListeners(), 1000);
                Set<String> ids = new HashSet<>();
                records.forEach(r -> ids.add(r.value().replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1")));
                assertThat(records).hasSize(1000).allSatisfy(r -> assertThat(r.key()).isEqualTo("machine-7"));
                assertThat(ids).hasSize(1000);
                assertThat(shipper.status().lastError()).isEmpty();
                assertThat(shipper.status().lastKafkaOffset()).isEqualTo(999);
            } finally {
                broker.close();
            }
        }
    }

    @Test
    void afterARestartShippingResumesWhereItStopped() throws Exception {
        int port = Ports.freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(port).withControllerPort(Ports.freePort())
                .withDeleteLogDirsOnClose(true).start();
        try {
            try (AuditSpool audit = new AuditSpool(dir); AuditShipper shipper = new AuditShipper(audit, dir, agent(port), () -> cadence(7, 1), NO_TOKEN, log)) {
                record(audit, 10);
                await().atMost(Duration.ofSeconds(60)).until(() -> audit.pendingBytes() == 0);
            }
            try (AuditSpool audit = new AuditSpool(dir)) {
                record(audit, 15);
                try (AuditShipper shipper = new AuditShipper(audit, dir, agent(port), () -> cadence(7, 1), NO_TOKEN, log)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> audit.pendingBytes() == 0);
                }
            }
            List<ConsumerRecord<String, String>> records = consumeAll(broker.getAdvertisedListeners(), 25);
            assertThat(records).hasSize(25);
            assertThat(records.get(24).value()).contains("\"seq\":25");
        } finally {
            broker.close();
        }
    }

    @Test
    void theCadenceIsThePolicysBatchSizeAndFlushIntervalReadAgainBeforeEveryBatch() throws Exception {
        int port = Ports.freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(port).withControllerPort(Ports.freePort())
                .withDeleteLogDirsOnClose(true).start();
        java.util.concurrent.atomic.AtomicReference<io.ccpolicy.engine.model.AuditSettings> policy =
                new java.util.concurrent.atomic.AtomicReference<>(cadence(5, 3600));
        try (AuditSpool audit = new AuditSpool(dir); AuditShipper shipper = new AuditShipper(audit, dir, agent(port), policy::get, NO_TOKEN, log)) {
            record(audit, 3);
            // fewer than batch_size wait for flush_interval (an hour here)
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> audit.pendingBytes() == audit.size());
            record(audit, 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.pendingBytes() == 0);
            assertThat(consumeAll(broker.getAdvertisedListeners(), 5)).as("batch_size reached: all five left together").hasSize(5);

            record(audit, 1);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> audit.pendingBytes() > 0);
            policy.set(cadence(5, 1)); // a policy reload shortens the interval: the waiting event leaves within about a second
            long reloaded = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).until(() -> audit.pendingBytes() == 0);
            System.out.println("after the reload the waiting event shipped in " + (System.nanoTime() - reloaded) / 1_000_000 + " ms");
            assertThat(consumeAll(broker.getAdvertisedListeners(), 6)).hasSize(6);
        } finally {
            broker.close();
        }
    }

    @Test
    void acknowledgedEventsAreDeletedAndTheChainGoesOnAcrossCompactionAndRestart() throws Exception {
        int port = Ports.freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(port).withControllerPort(Ports.freePort())
                .withDeleteLogDirsOnClose(true).start();
        try {
            try (AuditSpool audit = new AuditSpool(dir, 2_000); AuditShipper shipper = new AuditShipper(audit, dir, agent(port), () -> cadence(10, 1), NO_TOKEN, log)) {
                record(audit, 40);
                await().atMost(Duration.ofSeconds(60)).until(() -> audit.pendingBytes() == 0 && audit.size() < 2_000);
                assertThat(dir.resolve("audit/chain.head")).exists();
            }
            try (AuditSpool audit = new AuditSpool(dir, 1L << 30)) {
                record(audit, 5);
                try (AuditShipper shipper = new AuditShipper(audit, dir, agent(port), () -> cadence(10, 1), NO_TOKEN, log)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> audit.pendingBytes() == 0);
                }
            }
            List<ConsumerRecord<String, String>> records = consumeAll(broker.getAdvertisedListeners(), 45);
            assertThat(records).hasSize(45);
            for (int i = 0; i < 45; i++) {
                assertThat(records.get(i).value()).as("every event once, in chain order").contains("\"seq\":" + (i + 1) + ",");
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void aHugeFieldIsRecordedCutAndARecordKafkaCannotTakeIsQuarantinedWithoutBlockingTheRest() throws Exception {
        int port = Ports.freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(port).withControllerPort(Ports.freePort())
                .withDeleteLogDirsOnClose(true).start();
        try (AuditSpool audit = new AuditSpool(dir)) {
            // a hook payload with a 2 MB session id, and one whose text holds NUL
            audit.append(Map.of("version", "1.0", "eventId", "evt_huge", "eventType", "PreToolUse", "session", Map.of("id", "s".repeat(2_000_000))));
            audit.append(Map.of("version", "1.0", "eventId", "evt_nul", "eventType", "PreToolUse", "session", Map.of("id", "a\u0000b")));
            // a line from an older agent that never bounded its events: 1.5 MB, more than Kafka takes
            java.nio.file.Files.writeString(audit.file(), "{\"eventId\":\"evt_legacy\",\"blob\":\"" + "z".repeat(1_500_000) + "\"}\n",
                    java.nio.file.StandardOpenOption.APPEND);
            audit.append(Map.of("version", "1.0", "eventId", "evt_after", "eventType", "Stop"));
            try (AuditShipper shipper = new AuditShipper(audit, dir, agent(port), () -> cadence(100, 1), NO_TOKEN, log)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> audit.pendingBytes() == 0);
                List<ConsumerRecord<String, String>> records = consumeAll(broker.getAdvertisedListeners(), 3);
                assertThat(records).extracting(r -> r.value().replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1"))
                        .containsExactly("evt_huge", "evt_nul", "evt_after");
                assertThat(records.get(0).value()).contains("...(cut: 2000000 chars)").contains("\"truncated\"").hasSizeLessThan(300_000);
                assertThat(records.get(1).value()).doesNotContain("\\u0000\"").contains("a\\\\u0000b");
                assertThat(shipper.status().quarantined()).isEqualTo(1);
                assertThat(java.nio.file.Files.readString(dir.resolve("audit/quarantine.jsonl"))).contains("evt_legacy")
                        .contains("larger than a Kafka record may be");
                assertThat(shipper.statusMap()).containsEntry("quarantined", 1L);
            }
        } finally {
            broker.close();
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String bootstrap, int expected) {
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "verify-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("audit.events.v1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= expected;
            });
            // a little longer, to see duplicates if there were any
            consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
        }
        return seen;
    }
}
