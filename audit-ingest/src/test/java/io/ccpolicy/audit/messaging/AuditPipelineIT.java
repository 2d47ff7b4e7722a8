package io.ccpolicy.audit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.archive.S3Reader;
import io.ccpolicy.agent.daemon.AgentConfig;
import io.ccpolicy.agent.daemon.AgentLog;
import io.ccpolicy.agent.daemon.AuditLog;
import io.ccpolicy.agent.daemon.AuditShipper;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.testinfra.Ports;
import io.ccpolicy.testinfra.S3ProxyServer;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole audit pipeline with real parts: the agent's spool and shipper, a KRaft broker, the packaged audit-ingest
 * (a separate process, killed with SIGKILL), PostgreSQL and s3proxy. Each outage is real: the server is stopped, then
 * started again on the same port with the same data. After each, every event is in PostgreSQL exactly once and in
 * exactly one archive object that a committed batch recorded (what the hour's manifest will list).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditPipelineIT {

    private static final String TOPIC = "audit.events.v1";
    private static final Duration DEADLINE = Duration.ofSeconds(180);

    private static Path dir;
    private static int pgPort;
    private static int kafkaPort;
    private static int controllerPort;
    private static int httpPort;
    private static EmbeddedPostgres postgres;
    private static EmbeddedKafkaBroker kafka;
    private static S3ProxyServer s3proxy;
    private static S3Reader s3;
    private static Process ingest;

    @BeforeAll
    static void startEverythingButKafka() throws Exception {
        dir = Files.createTempDirectory("audit-pipeline");
        pgPort = Ports.freePort();
        kafkaPort = Ports.freePort();
        controllerPort = Ports.freePort();
        httpPort = Ports.freePort();
        startPostgres();
        s3proxy = S3ProxyServer.start();
        s3 = new S3Reader(URI.create(s3proxy.endpoint()), "ccpolicy-audit-archive", "", "us-east-1", S3ProxyServer.IDENTITY,
                S3ProxyServer.CREDENTIAL, Clock.systemUTC());
        startIngest();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (ingest != null) {
            ingest.destroy();
            ingest.waitFor();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (s3proxy != null) {
            s3proxy.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void eventsRecordedWhileKafkaIsDownArriveExactlyOnceWhenItIsBack() throws Exception {
        try (Agent agent = new Agent("machine-offline")) {
            agent.record(1000);
            await().atMost(DEADLINE).until(() -> !agent.shipper.status().lastError().isEmpty());
            assertThat(agent.audit.pendingBytes()).as("nothing acknowledged while Kafka is down").isEqualTo(agent.audit.size());

            kafka = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(kafkaPort).withControllerPort(controllerPort)
                    .withAdditionalProperties(props -> props.put("num.partitions", "3")) // several partitions, as in production
                    .withDeleteLogDirsOnClose(true).start();

            await().atMost(DEADLINE).until(() -> stored(agent.machine) == 1000);
            assertStoredOnceAndArchivedOnce(agent);
        }
    }

    @Test
    @Order(2)
    void ingestKilledWhileStoringLosesNothingAndDuplicatesNothing() throws Exception {
        try (Agent agent = new Agent("machine-busy")) {
            agent.record(30_000);
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> stored(agent.machine) > 0);
            ingest.destroyForcibly().waitFor();
            long atKill = stored(agent.machine);
            System.out.println("audit-ingest killed (SIGKILL) with " + atKill + " of 30000 events stored");
            assertThat(atKill).as("killed part-way").isLessThan(30_000);

            startIngest();
            await().atMost(DEADLINE).until(() -> stored(agent.machine) == 30_000);
            assertStoredOnceAndArchivedOnce(agent);
        }
    }

    @Test
    @Order(3)
    void whileS3IsDownNoOffsetIsCommittedAndNothingIsLost() throws Exception {
        try (Agent agent = new Agent("machine-s3-outage")) {
            Map<TopicPartition, Long> before = committedOffsets();
            s3proxy.kill();
            agent.record(500);
            await().atMost(DEADLINE).until(() -> agent.audit.pendingBytes() == 0);
            await().atMost(DEADLINE).until(() -> readiness().contains("\"failingBatches\""));
            assertThat(stored(agent.machine)).as("a batch that cannot be archived is not stored either").isZero();
            assertThat(committedOffsets()).as("offsets stay while S3 is down").isEqualTo(before);

            s3proxy.restart();
            await().atMost(DEADLINE).until(() -> stored(agent.machine) == 500);
            assertStoredOnceAndArchivedOnce(agent);
        }
    }

    @Test
    @Order(4)
    void whilePostgresIsDownNoOffsetIsCommittedAndNothingIsLost() throws Exception {
        try (Agent agent = new Agent("machine-db-outage")) {
            Map<TopicPartition, Long> before = committedOffsets();
            postgres.close();
            agent.record(500);
            await().atMost(DEADLINE).until(() -> agent.audit.pendingBytes() == 0);
            await().atMost(DEADLINE).until(() -> readiness().contains("\"failingBatches\""));
            assertThat(committedOffsets()).as("offsets stay while PostgreSQL is down").isEqualTo(before);

            startPostgres();
            await().atMost(DEADLINE).until(() -> stored(agent.machine) == 500);
            assertStoredOnceAndArchivedOnce(agent);
        }
    }

    /** Every event of the agent once in PostgreSQL, and once across the archive objects that committed batches recorded. */
    private static void assertStoredOnceAndArchivedOnce(Agent agent) throws Exception {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement(
                "select count(*), count(distinct event_id) from audit_event where machine_id = ?")) {
            q.setString(1, agent.machine);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(agent.recorded);
                assertThat(r.getLong(2)).isEqualTo(agent.recorded);
            }
        }
        Map<String, Integer> archived = new HashMap<>();
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("select object_key from archive_object");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                byte[] object = s3.read(r.getString(1));
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(object))) {
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                            .filter(line -> line.contains("\"id\":\"" + agent.machine + "\""))
                            .forEach(line -> archived.merge(line.replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1"), 1, Integer::sum));
                }
            }
        }
        assertThat(archived).hasSize((int) agent.recorded);
        assertThat(archived.values()).as("no event archived twice").containsOnly(1);
    }

    private static long stored(String machine) {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("select count(*) from audit_event where machine_id = ?")) {
            q.setString(1, machine);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            return -1; // not migrated yet, or PostgreSQL restarting
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "postgres");
    }

    private static Map<TopicPartition, Long> committedOffsets() throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets("audit-ingest")
                    .partitionsToOffsetAndMetadata().get().entrySet()) {
                offsets.put(e.getKey(), e.getValue() == null ? -1 : e.getValue().offset());
            }
            return offsets;
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort));
    }

    private static String readiness() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(dir.resolve("pgdata")).setCleanDataDirectory(false)
                .setServerConfig("fsync", "off").start();
    }

    private static void startIngest() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar).as("the packaged audit-ingest (mvn package)").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
                "-Dquarkus.datasource.username=postgres",
                "-Dquarkus.datasource.password=postgres",
                "-Dquarkus.oidc.tenant-enabled=false",
                "-Dkafka.bootstrap.servers=127.0.0.1:" + kafkaPort,
                "-Daudit-ingest.s3.endpoint=" + s3proxy.endpoint(),
                "-Daudit-ingest.s3.access-key=" + S3ProxyServer.IDENTITY,
                "-Daudit-ingest.s3.secret-key=" + S3ProxyServer.CREDENTIAL,
                "-Daudit-ingest.archive.signing-key-file=" + dir.resolve("archive-signing.pem"),
                "-Daudit-ingest.archive.generate-missing-key=true",
                "-Daudit-ingest.consumer.max-backoff=2s",
                "-jar", jar.toString()));
        ingest = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("audit-ingest.log").toFile())).start();
        await().atMost(DEADLINE).until(() -> {
            if (!ingest.isAlive()) {
                throw new IllegalStateException("audit-ingest exited: " + Files.readString(dir.resolve("audit-ingest.log")));
            }
            try {
                return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/live"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /** One developer machine: the agent's own spool and shipper, shipping to the broker's fixed port. */
    private static final class Agent implements AutoCloseable {
        final String machine;
        final AuditLog audit;
        final AuditShipper shipper;
        long recorded;

        Agent(String machine) throws IOException {
            this.machine = machine + "-" + UUID.randomUUID();
            Path state = Files.createDirectories(dir.resolve(this.machine));
            AgentConfig config = new AgentConfig("Acme", Identity.of("alice@acme.com"), this.machine,
                    new AgentConfig.AuditShipping(Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort), TOPIC, 1L << 30));
            this.audit = new AuditLog(state);
            this.shipper = new AuditShipper(audit, state, config, 500, new AgentLog(new PrintStream(PrintStream.nullOutputStream())));
        }

        void record(int events) {
            for (int i = 0; i < events; i++) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("version", "1.0");
                event.put("timestamp", Instant.now().toString());
                event.put("eventId", "evt_" + UUID.randomUUID());
                event.put("eventType", "PreToolUse");
                event.put("user", Map.of("email", "alice@acme.com", "teams", List.of("payments")));
                event.put("machine", Map.of("id", machine, "hostname", "alice-laptop"));
                event.put("session", Map.of("id", "sess-" + (i / 100), "projectPath", "/home/alice/payments-api"));
                event.put("action", Map.of("type", "tool_execution", "tool", "Bash", "params", Map.of("command", "npm test -- --shard " + i),
                        "result", i % 10 == 0 ? "denied" : "allowed"));
                event.put("policyCheck", Map.of("policies", i % 10 == 0 ? List.of("no-force-push") : List.of(),
                        "result", i % 10 == 0 ? "violated" : "passed"));
                event.put("decision", Map.of("id", "dec_" + UUID.randomUUID(), "verdict", i % 10 == 0 ? "deny" : "allow"));
                audit.append(event);
            }
            recorded += events;
        }

        @Override
        public void close() throws IOException {
            shipper.close();
            audit.close();
        }
    }
}
