package io.ccpolicy.testinfra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Other services of the platform, packaged, each as its own process beside the Quarkus service under test: each with
 * its own database in the same PostgreSQL server, the same Kafka broker and OIDC provider (read from the running
 * test's configuration), fresh signing keys. The module using this must build after the services it starts (a test
 * dependency on their poms does that).
 */
public final class SiblingServices {

    private SiblingServices() {
    }

    public static ServiceProcess policyService(Map<String, String> extra) throws Exception {
        return policyService(extra, Ports.freePort());
    }

    public static ServiceProcess policyService(Map<String, String> extra, int port) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of(
                "policy-service.bundle.signing-key-file", Files.createTempDirectory("policy-service-keys").resolve("bundle.pem").toString(),
                "policy-service.bundle.generate-missing-key", "true"));
        properties.putAll(extra);
        return start("policy-service", properties, port);
    }

    public static ServiceProcess exceptionService(Map<String, String> extra, int port) throws Exception {
        return start("exception-service", extra, port);
    }

    /** Needs an S3 server: the running test's {@code audit-ingest.s3.*} settings (S3Resource with that prefix). */
    public static ServiceProcess auditIngest(Map<String, String> extra, int port) throws Exception {
        Config config = ConfigProvider.getConfig();
        Map<String, String> properties = new HashMap<>(Map.of(
                "audit-ingest.s3.endpoint", config.getValue("audit-ingest.s3.endpoint", String.class),
                "audit-ingest.s3.access-key", config.getValue("audit-ingest.s3.access-key", String.class),
                "audit-ingest.s3.secret-key", config.getValue("audit-ingest.s3.secret-key", String.class),
                "audit-ingest.archive.signing-key-file", Files.createTempDirectory("audit-ingest-keys").resolve("archive.pem").toString(),
                "audit-ingest.archive.generate-missing-key", "true"));
        properties.putAll(extra);
        return start("audit-ingest", properties, port);
    }

    private static ServiceProcess start(String module, Map<String, String> extra, int port) throws Exception {
        Config config = ConfigProvider.getConfig();
        String jdbc = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String database = module.replace("-", "_") + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        Map<String, String> properties = new HashMap<>(Map.of(
                "quarkus.datasource.jdbc.url", jdbc.replaceFirst("/postgres(\\?|$)", "/" + database + "$1"),
                "quarkus.oidc.auth-server-url", config.getValue("quarkus.oidc.auth-server-url", String.class),
                "quarkus.oidc.client-id", config.getOptionalValue("quarkus.oidc.client-id", String.class).orElse(module),
                "kafka.bootstrap.servers", config.getValue("kafka.bootstrap.servers", String.class)));
        properties.putAll(extra);
        ServiceProcess process = new ServiceProcess(Path.of("../" + module + "/target/quarkus-app/quarkus-run.jar"), List.of("-Xmx256m"),
                properties, Path.of("target/" + database + ".log"), port);
        process.start(Duration.ofSeconds(90));
        return process;
    }
}
