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
 * policy-service, packaged, as its own process beside the Quarkus service under test: its own database in the same
 * PostgreSQL server, the same Kafka broker and OIDC provider (read from the running test's configuration), a fresh
 * bundle signing key. The module using it must build after policy-service (a test dependency on its pom does that).
 */
public final class PolicyServiceProcess {

    private PolicyServiceProcess() {
    }

    public static ServiceProcess start(Map<String, String> extra) throws Exception {
        Config config = ConfigProvider.getConfig();
        String jdbc = config.getValue("quarkus.datasource.jdbc.url", String.class);
        String database = "policy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        Map<String, String> properties = new HashMap<>(Map.of(
                "quarkus.datasource.jdbc.url", jdbc.replaceFirst("/postgres(\\?|$)", "/" + database + "$1"),
                "quarkus.oidc.auth-server-url", config.getValue("quarkus.oidc.auth-server-url", String.class),
                "quarkus.oidc.client-id", config.getOptionalValue("quarkus.oidc.client-id", String.class).orElse("policy-service"),
                "kafka.bootstrap.servers", config.getValue("kafka.bootstrap.servers", String.class),
                "policy-service.bundle.signing-key-file", Files.createTempDirectory("policy-service-keys").resolve("bundle.pem").toString(),
                "policy-service.bundle.generate-missing-key", "true"));
        properties.putAll(extra);
        ServiceProcess process = new ServiceProcess(Path.of("../policy-service/target/quarkus-app/quarkus-run.jar"), List.of("-Xmx256m"),
                properties, Path.of("target/policy-service-" + database + ".log"));
        process.start(Duration.ofSeconds(90));
        return process;
    }
}
