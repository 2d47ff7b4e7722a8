package io.ccpolicy.report.bench;

import io.ccpolicy.testinfra.AuditEventLoader;
import io.ccpolicy.testinfra.LocalTokens;
import io.ccpolicy.testinfra.Ports;
import io.ccpolicy.testinfra.S3ProxyServer;
import io.ccpolicy.testinfra.ServiceProcess;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole compliance report over 30 days and 1,000,000 stored events, through report-service as an auditor calls it:
 * audit-ingest, policy-service, exception-service and report-service packaged, each its own process, with PostgreSQL
 * (fsync on), Kafka and s3proxy on the same machine; against the same run's {@code /q/health/live}. The events are loaded
 * straight into audit-ingest's database, with every hour of the period sealed and verified as audit-ingest's sweep records
 * it: a report reads the recorded verification (the sweep's own cost is audit-ingest's ArchiveVerificationBenchmark).
 *
 * <p>{@code ./mvnw -q -pl report-service -am -Dbench=report-service package -DskipTests exec:exec}
 */
public final class ReportBenchmark {

    private static final int EVENTS = 1_000_000;
    private static final int DAYS = 30;

    private ReportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("report-benchmark");
        List<ServiceProcess> services = new ArrayList<>();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(Ports.freePort()).setServerConfig("fsync", "on")
                .setServerConfig("shared_buffers", "256MB").start();
                EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(Ports.freePort())
                        .withControllerPort(Ports.freePort()).withDeleteLogDirsOnClose(true).start();
                S3ProxyServer s3 = S3ProxyServer.start()) {
            String jdbc = postgres.getJdbcUrl("postgres", "postgres");
            try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement s = c.createStatement()) {
                for (String db : List.of("audit", "policy", "exceptions", "report")) {
                    s.execute("create database " + db);
                }
            }
            LocalTokens tokens = new LocalTokens();
            int audit = Ports.freePort();
            int policy = Ports.freePort();
            int exceptions = Ports.freePort();
            System.out.println("report benchmark: starting audit-ingest, policy-service, exception-service and report-service");
            services.add(start("audit-ingest", dir, postgres, "audit", kafka, tokens, audit, Map.of(
                    "audit-ingest.s3.endpoint", s3.endpoint(), "audit-ingest.s3.access-key", S3ProxyServer.IDENTITY,
                    "audit-ingest.s3.secret-key", S3ProxyServer.CREDENTIAL, "audit-ingest.archive.signing-key-file",
                    dir.resolve("archive.pem").toString(), "audit-ingest.archive.generate-missing-key", "true")));
            services.add(start("policy-service", dir, postgres, "policy", kafka, tokens, policy, Map.of(
                    "policy-service.bundle.signing-key-file", dir.resolve("bundle.pem").toString(), "policy-service.bundle.generate-missing-key", "true")));
            services.add(start("exception-service", dir, postgres, "exceptions", kafka, tokens, exceptions, Map.of()));
            ServiceProcess report = start("report-service", dir, postgres, "report", kafka, tokens, Ports.freePort(), Map.of(
                    "quarkus.oidc.application-type", "service",
                    "report-service.audit-url", "http://127.0.0.1:" + audit, "report-service.policy-url", "http://127.0.0.1:" + policy,
                    "report-service.exceptions-url", "http://127.0.0.1:" + exceptions));
            services.add(report);

            Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
            Instant start = end.minus(Duration.ofDays(DAYS));
            try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "audit"), "postgres", "postgres")) {
                AuditEventLoader.load(c, start, EVENTS, 500, DAYS);
                recordVerifiedArchive(c, start, end);
            }
            String token = tokens.token("auditor@acme.com", Set.of("audit-reader"), Set.of());
            HttpClient http = HttpClient.newHttpClient();
            String period = "?from=" + start + "&to=" + end;
            time(http, report.url("/api/v1/reports/soc2" + period), token); // warm-up
            int runs = 3;
            long[] soc2 = new long[runs];
            long[] hipaaPdf = new long[runs];
            for (int i = 0; i < runs; i++) {
                soc2[i] = time(http, report.url("/api/v1/reports/soc2" + period), token);
                hipaaPdf[i] = time(http, report.url("/api/v1/reports/hipaa" + period + "&format=pdf"), token);
            }
            long[] floor = new long[200];
            for (int i = 0; i < floor.length; i++) {
                floor[i] = time(http, report.url("/q/health/live"), null);
            }
            System.out.printf("  a whole report over %d days and %,d events (%d runs after a warm-up):%n", DAYS, EVENTS, runs);
            System.out.printf("    SOC 2, JSON     median %5.2f s   slowest %5.2f s   (goal < 10 s)%n", median(soc2) / 1e9, max(soc2) / 1e9);
            System.out.printf("    HIPAA, PDF      median %5.2f s   slowest %5.2f s   (goal < 10 s)%n", median(hipaaPdf) / 1e9, max(hipaaPdf) / 1e9);
            System.out.printf("    baseline, GET /q/health/live median %.2f ms%n", median(floor) / 1e6);
        } finally {
            for (ServiceProcess service : services) {
                service.close();
            }
        }
    }

    /**
     * Every hour of the period sealed and verified, as audit-ingest's sweep records it (ArchiveVerificationBenchmark
     * measures the sweep itself), so the report reads a month of verification results as it would in production.
     */
    private static void recordVerifiedArchive(Connection c, Instant start, Instant end) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("insert into archive_hour (hour, sealed, manifest_key, manifest_sha256, objects, events, sealed_at) "
                    + "select h, true, 'manifests/' || to_char(h at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24') || '.json', md5(h::text), 6, "
                    + EVENTS / (DAYS * 24) + ", h + interval '62 minutes' from generate_series(timestamptz '" + start + "', timestamptz '" + end
                    + "' - interval '1 hour', interval '1 hour') h");
            s.execute("insert into archive_verification (hour, verified_at, objects, events, findings) "
                    + "select hour, sealed_at + interval '1 minute', objects, events, '[]' from archive_hour");
        }
    }

    private static ServiceProcess start(String module, Path dir, EmbeddedPostgres postgres, String db, EmbeddedKafkaBroker kafka,
            LocalTokens tokens, int port, Map<String, String> extra) {
        Map<String, String> properties = new HashMap<>(tokens.verificationProperties());
        properties.put("quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", db));
        properties.put("quarkus.datasource.username", "postgres");
        properties.put("quarkus.datasource.password", "postgres");
        properties.put("kafka.bootstrap.servers", kafka.getAdvertisedListeners());
        properties.putAll(extra);
        ServiceProcess process = new ServiceProcess(Path.of("../" + module + "/target/quarkus-app/quarkus-run.jar"), List.of("-Xmx512m"),
                properties, dir.resolve(module + ".log"), port);
        process.start(Duration.ofSeconds(120));
        return process;
    }

    private static long time(HttpClient http, URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long began = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        long took = System.nanoTime() - began;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri.getPath() + " answered " + response.statusCode() + ": " + new String(response.body()));
        }
        return took;
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double max(long[] nanos) {
        return Arrays.stream(nanos).max().orElse(0);
    }
}
