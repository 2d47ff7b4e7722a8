package io.ccpolicy.audit.messaging;

import io.ccpolicy.agent.archive.S3Reader;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.audit.AuditShipper;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.testinfra.LocalTokens;
import io.ccpolicy.testinfra.Ports;
import io.ccpolicy.testinfra.S3ProxyServer;
import io.ccpolicy.testinfra.ServiceProcess;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The audit pipeline's real parts on free ports in a temp directory: PostgreSQL (restartable with its data), s3proxy
 * (restartable with its data), a KRaft broker (started on demand), the packaged audit-ingest as a separate process
 * (killable), and agents made of the hook agent's own spool and shipper. Shared by the pipeline tests and benchmark.
 */
public final class PipelineHarness implements AutoCloseable {

    public static final String TOPIC = "audit.events.v1";
    public static final Duration DEADLINE = Duration.ofSeconds(180);

    private final Path dir;
    private final int pgPort = Ports.freePort();
    private final int kafkaPort = Ports.freePort();
    private final int controllerPort = Ports.freePort();
    private final Map<String, String> postgresSettings;
    private EmbeddedPostgres postgres;
    private EmbeddedKafkaBroker kafka;
    private final S3ProxyServer s3proxy;
    private final S3Reader archive;
    private final LocalTokens tokens = new LocalTokens();
    private ServiceProcess ingest;

    /** Starts PostgreSQL (with these extra server settings), s3proxy and audit-ingest; Kafka waits for {@link #startKafka}. */
    public PipelineHarness(Map<String, String> postgresSettings) throws IOException {
        this.dir = Files.createTempDirectory("audit-pipeline");
        this.postgresSettings = postgresSettings;
        startPostgres();
        s3proxy = S3ProxyServer.start();
        archive = new S3Reader(URI.create(s3proxy.endpoint()), "ccpolicy-audit-archive", "", "us-east-1", S3ProxyServer.IDENTITY,
                S3ProxyServer.CREDENTIAL, Clock.systemUTC());
        startIngest();
    }

    public void startKafka(int partitions) {
        kafka = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(kafkaPort).withControllerPort(controllerPort)
                .withAdditionalProperties(props -> props.put("num.partitions", String.valueOf(partitions)))
                .withDeleteLogDirsOnClose(true).start();
    }

    public String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    public void startPostgres() throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(pgPort).setDataDirectory(dir.resolve("pgdata"))
                .setCleanDataDirectory(false).setServerConfig("fsync", "off");
        postgresSettings.forEach(builder::setServerConfig);
        postgres = builder.start();
    }

    public void stopPostgres() throws IOException {
        postgres.close();
    }

    public S3ProxyServer s3proxy() {
        return s3proxy;
    }

    public S3Reader archive() {
        return archive;
    }

    public java.time.Duration ingestCpuTime() {
        return ingest.cpuTime();
    }

    /** PostgreSQL's postmaster, the parent of every backend and worker. */
    public long postgresPid() throws IOException {
        return Long.parseLong(Files.readAllLines(dir.resolve("pgdata").resolve("postmaster.pid")).get(0).trim());
    }

    public void killIngest() throws InterruptedException {
        ingest.kill();
    }

    /** Stops audit-ingest taking CPU without restarting it (its JIT stays warm); {@link #resumeIngest()} continues it. */
    public void pauseIngest() throws IOException, InterruptedException {
        ingest.pause();
    }

    public void resumeIngest() throws IOException, InterruptedException {
        ingest.resume();
    }

    /** Starts the packaged audit-ingest (again: same port, same log). */
    public void startIngest() {
        Map<String, String> properties = new LinkedHashMap<>(tokens.verificationProperties());
        properties.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres");
        properties.put("quarkus.datasource.username", "postgres");
        properties.put("quarkus.datasource.password", "postgres");
        properties.put("kafka.bootstrap.servers", bootstrap());
        properties.put("audit-ingest.s3.endpoint", s3proxy.endpoint());
        properties.put("audit-ingest.s3.access-key", S3ProxyServer.IDENTITY);
        properties.put("audit-ingest.s3.secret-key", S3ProxyServer.CREDENTIAL);
        properties.put("audit-ingest.archive.signing-key-file", dir.resolve("archive-signing.pem").toString());
        properties.put("audit-ingest.archive.generate-missing-key", "true");
        properties.put("audit-ingest.consumer.max-backoff", "2s");
        if (ingest == null) {
            // The heap the image gives it at the deployment's memory limit (k8s/base/audit-ingest: 1536Mi; the image's
            // entrypoint: InitialRAMPercentage=50, MaxRAMPercentage=75), and the collector: under 1792 MB the JVM takes
            // its container for a client machine and picks Serial, not the G1 it picks on this 24 GB host
            ingest = new ServiceProcess(Path.of("target", "quarkus-app", "quarkus-run.jar"), List.of("-Xms768m", "-Xmx1152m", "-XX:+UseSerialGC"), properties,
                    dir.resolve("audit-ingest.log"));
        }
        ingest.start(DEADLINE);
    }

    /** A signed bearer token audit-ingest accepts, with these realm roles. */
    public String token(String user, Set<String> roles) {
        return tokens.token(user, roles, List.of());
    }

    public URI url(String pathAndQuery) {
        return ingest.url(pathAndQuery);
    }

    public String readiness() throws IOException, InterruptedException {
        return http("/q/health/ready").body();
    }

    private HttpResponse<String> http(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "postgres");
    }

    /** Events of this machine in PostgreSQL; -1 while the database is away or not migrated yet. */
    public long stored(String machine) {
        try (Connection c = connect(); PreparedStatement q = c.prepareStatement("select count(*) from audit_event where machine_id = ?")) {
            q.setString(1, machine);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    public Map<TopicPartition, Long> committedOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets("audit-ingest")
                    .partitionsToOffsetAndMetadata().get().entrySet()) {
                offsets.put(e.getKey(), e.getValue() == null ? -1 : e.getValue().offset());
            }
            return offsets;
        }
    }

    public Agent agent(String machine, int batchSize) throws IOException {
        return new Agent(machine + "-" + UUID.randomUUID(), batchSize);
    }

    /** A realistic decision event (the agent's schema: user, machine, session, action, policy check, decision). */
    public static Map<String, Object> decisionEvent(String machine, int i) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "1.0");
        event.put("timestamp", Instant.now().toString());
        event.put("eventId", "evt_" + UUID.randomUUID());
        event.put("eventType", "PreToolUse");
        event.put("user", Map.of("email", "alice@acme.com", "teams", List.of("payments"), "department", "engineering"));
        event.put("machine", Map.of("id", machine, "hostname", "alice-laptop", "os", "Linux 6.8"));
        event.put("session", Map.of("id", "sess-" + (i / 100), "projectPath", "/home/alice/payments-api", "project", "payments-api"));
        boolean denied = i % 10 == 0;
        event.put("action", Map.of("type", "tool_execution", "tool", "Bash", "params", Map.of("command", "npm test -- --shard " + i),
                "result", denied ? "denied" : "allowed"));
        event.put("policyCheck", Map.of("policies", denied ? List.of("no-force-push") : List.of(), "result", denied ? "violated" : "passed",
                "violations", List.of()));
        event.put("decision", Map.of("id", "dec_" + UUID.randomUUID(), "verdict", denied ? "deny" : "allow", "wouldBe", denied ? "deny" : "allow",
                "policyRevision", 42, "policySha256", "9f2c4e1d3b5a7c9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70", "latencyMicros", 41));
        event.put("context", Map.of("tokenCount", 1200 + i % 500));
        return event;
    }

    /** One developer machine: the agent's own spool and shipper, shipping to the broker's port. */
    public final class Agent implements AutoCloseable {
        public final String machine;
        public final AuditSpool audit;
        public final AuditShipper shipper;
        public long recorded;

        private Agent(String machine, int batchSize) throws IOException {
            this.machine = machine;
            Path state = Files.createDirectories(dir.resolve(machine));
            AgentConfig config = new AgentConfig("Acme", Identity.of("alice@acme.com"), machine,
                    new AgentConfig.AuditShipping(Map.of("bootstrap.servers", bootstrap()), TOPIC, 1L << 30));
            this.audit = new AuditSpool(state);
            this.shipper = new AuditShipper(audit, state, config, () -> io.ccpolicy.engine.model.AuditSettings.DEFAULT.withCadence(batchSize, 1),
                    () -> "", new AgentLog(new PrintStream(PrintStream.nullOutputStream())));
        }

        public void record(int events) {
            for (int i = 0; i < events; i++) {
                audit.append(decisionEvent(machine, i));
            }
            recorded += events;
        }

        @Override
        public void close() throws IOException {
            shipper.close();
            audit.close();
        }
    }

    @Override
    public void close() throws Exception {
        if (ingest != null) {
            ingest.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        s3proxy.close();
        postgres.close();
        // Kept for diagnosis: the temp directory goes.
        Path kept = Files.createDirectories(Path.of("target", "pipeline-logs")).resolve("audit-ingest-" + dir.getFileName() + ".log");
        Files.copy(dir.resolve("audit-ingest.log"), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
