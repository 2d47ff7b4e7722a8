package io.ccpolicy.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.testinfra.LocalTokens;
import io.ccpolicy.testinfra.Ports;
import io.ccpolicy.testinfra.S3ProxyServer;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OCI archives the build wrote: well-formed (every blob's digest, the manifest, the config), non-root, and runnable:
 * each image's file system is unpacked and its Java started as the image's user, in a private mount namespace with
 * the container's /dev and /proc (what a container runtime gives it), and each service is started from its image
 * against real PostgreSQL, Kafka and S3: ready, serving its role, refusing the anonymous, stopping without errors.
 * Starting processes in the unpacked image needs root (chroot, unshare).
 */
class ImageIT {

    private static final Path IMAGES = Path.of("target/images");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");

    @TempDir
    static Path dir;

    /** An image unpacked once for all the tests that look at it: its layout, descriptors and file system. */
    private record Image(Path layout, JsonNode index, JsonNode manifest, JsonNode config, Path rootfs) {
    }

    private static final Map<String, Image> UNPACKED = new java.util.HashMap<>();
    private static EmbeddedPostgres postgres;
    private static EmbeddedKafkaBroker kafka;
    private static S3ProxyServer s3;

    static List<String> services() {
        return ImageBuilder.SERVICES;
    }

    @ParameterizedTest
    @MethodSource("services")
    void theArchiveIsAWellFormedOciImageOfTheServiceRunningAsNonRoot(String service) throws Exception {
        Image image = image(service);
        Path layout = image.layout();
        assertThat(JSON.readTree(layout.resolve("oci-layout").toFile()).path("imageLayoutVersion").asText()).isEqualTo("1.0.0");
        JsonNode index = image.index();
        assertThat(index.path("manifests")).hasSize(1);
        assertThat(index.path("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name").asText())
                .isEqualTo("ccpolicy/" + service + ":" + VERSION);
        JsonNode manifest = image.manifest();
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        JsonNode config = image.config();
        for (JsonNode layer : manifest.path("layers")) {
            checkDigestAndSize(layout, layer);
        }
        assertThat(manifest.path("layers")).as("os, java, dependencies, application").hasSize(4);
        assertThat(config.path("rootfs").path("diff_ids")).hasSize(4);
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
        JsonNode run = config.path("config");
        assertThat(run.path("User").asText()).isEqualTo(ImageBuilder.USER);
        assertThat(JSON.convertValue(run.path("Entrypoint"), List.class)).isEqualTo(ImageBuilder.ENTRYPOINT);
        assertThat(run.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(run.path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo(VERSION);

        Path rootfs = image.rootfs();
        assertThat(rootfs.resolve("deployments/quarkus-run.jar")).isRegularFile();
        assertThat(rootfs.resolve("opt/java/lib/security/cacerts")).as("the CA store itself, not Debian's link to /etc").isRegularFile();
        try (Stream<Path> files = Files.walk(rootfs)) {
            assertThat(files.filter(Files::isRegularFile).filter(ImageIT::setUidOrGid).toList()).as("no setuid/setgid files").isEmpty();
        }

        assumeContainerTools();
        Process java = inImage(rootfs, List.of("/opt/java/bin/java", "-version"), Map.of());
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as(output).isZero();
        assertThat(output).contains("openjdk version \"17");
    }

    /** What each service needs beyond PostgreSQL and Kafka, and a request its role may make. */
    private record Run(String database, Map<String, String> properties, String path, String role) {
    }

    private static Map<String, Run> runs(S3ProxyServer s3) {
        return Map.of(
                "policy-service", new Run("policy", Map.of("policy-service.bundle.signing-key-file", "/tmp/bundle-signing.pem",
                        "policy-service.bundle.generate-missing-key", "true"), "/api/v1/policies/versions", "policy-admin"),
                "exception-service", new Run("exceptions", Map.of(), "/api/v1/exceptions", "developer"),
                "audit-ingest", new Run("audit", Map.of("audit-ingest.s3.endpoint", s3.endpoint(), "audit-ingest.s3.access-key", S3ProxyServer.IDENTITY,
                        "audit-ingest.s3.secret-key", S3ProxyServer.CREDENTIAL, "audit-ingest.archive.signing-key-file", "/tmp/archive-signing.pem",
                        "audit-ingest.archive.generate-missing-key", "true"),
                        "/api/v1/audit/events?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z", "audit-reader"),
                "report-service", new Run("report", Map.of("quarkus.oidc.application-type", "service"), "/api/v1/reports/runs", "audit-reader"));
    }

    @ParameterizedTest
    @MethodSource("services")
    void theServiceStartedFromItsImageServesAgainstRealPostgresKafkaAndS3(String service) throws Exception {
        assumeContainerTools();
        Image image = image(service);
        JsonNode config = image.config().path("config");
        Path rootfs = image.rootfs();
        LocalTokens tokens = new LocalTokens();
        int port = Ports.freePort();
        startServers();
        Run run = runs(s3).get(service);
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
                Statement statement = c.createStatement()) {
            statement.execute("create database " + run.database());
        }
        List<String> command = new ArrayList<>();
        List<String> entrypoint = JSON.convertValue(config.path("Entrypoint"), List.class);
        command.addAll(entrypoint.subList(0, entrypoint.indexOf("-jar")));
        Map<String, String> properties = new java.util.TreeMap<>(tokens.verificationProperties());
        properties.put("quarkus.http.port", String.valueOf(port));
        properties.put("quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", run.database()));
        properties.put("kafka.bootstrap.servers", kafka.getAdvertisedListeners());
        properties.putAll(run.properties());
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(entrypoint.subList(entrypoint.indexOf("-jar"), entrypoint.size()));
        Map<String, String> env = new java.util.HashMap<>();
        for (JsonNode variable : config.path("Env")) {
            String[] pair = variable.asText().split("=", 2);
            env.put(pair[0], pair[1]);
        }
        env.remove("QUARKUS_HTTP_PORT");
        Path log = Path.of("target/" + service + "-image.log").toAbsolutePath();
        Process process = inImage(rootfs, command, env, log);
        try {
            HttpClient http = HttpClient.newHttpClient();
            await(service + " from its image is ready (log: " + log + ")").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500)).failFast(() -> !process.isAlive())
                    .until(() -> status(http, "http://127.0.0.1:" + port + "/q/health/ready", null) == 200);
            String token = tokens.token("pat@acme.com", Set.of(run.role()), Set.of());
            assertThat(status(http, "http://127.0.0.1:" + port + run.path(), token)).isEqualTo(200);
            assertThat(status(http, "http://127.0.0.1:" + port + run.path(), null)).isEqualTo(401);
        } finally {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(log)).as("a clean stop").doesNotContain("ERROR");
    }

    /** PostgreSQL, Kafka and S3 once for all the services started from their images (each its own database). */
    private static synchronized void startServers() throws Exception {
        if (postgres == null) {
            postgres = EmbeddedPostgres.builder().setPort(Ports.freePort()).start();
            kafka = new EmbeddedKafkaBroker().withNodeId(1).withKafkaPort(Ports.freePort()).withControllerPort(Ports.freePort())
                    .withDeleteLogDirsOnClose(true).start();
            s3 = S3ProxyServer.start();
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (postgres != null) {
            s3.close();
            kafka.close();
            postgres.close();
        }
    }

    private static synchronized Image image(String service) throws Exception {
        Image unpacked = UNPACKED.get(service);
        if (unpacked == null) {
            Path layout = unpackArchive(service);
            JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
            JsonNode manifest = blob(layout, index.path("manifests").get(0));
            unpacked = new Image(layout, index, manifest, blob(layout, manifest.path("config")), rootfs(layout, manifest));
            UNPACKED.put(service, unpacked);
        }
        return unpacked;
    }

    private static int status(HttpClient http, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListeningYet) {
            return -1;
        }
    }

    private static void assumeContainerTools() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "starting a process inside the unpacked image needs root (chroot, unshare); the archives were still checked");
    }

    private Process inImage(Path rootfs, List<String> command, Map<String, String> env) throws IOException {
        return inImage(rootfs, command, env, null);
    }

    /**
     * The command as the image's user, chrooted into its file system, in a mount namespace of its own holding the
     * host's /dev and a /proc: the mounts vanish with the process, whatever happens to the test.
     */
    private Process inImage(Path rootfs, List<String> command, Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(rootfs.resolve("dev"));
        Files.createDirectories(rootfs.resolve("proc"));
        String root = rootfs.toAbsolutePath().toString();
        List<String> full = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--fork", "--kill-child", "sh", "-c",
                "mount --rbind /dev \"$0/dev\" && mount -t proc proc \"$0/proc\" && exec chroot --userspec=" + ImageBuilder.USER
                        + " \"$0\" \"$@\"", root));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        if (log != null) {
            builder.redirectOutput(log.toFile());
        }
        return builder.start();
    }

    private static Path unpackArchive(String service) throws IOException {
        Path archive = IMAGES.resolve(service + ".tar");
        assertThat(archive).as("the build writes it (mvn package)").isRegularFile();
        Path layout = Files.createDirectories(dir.resolve(service));
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path to = layout.resolve(entry.getName()).normalize();
                assertThat(to.startsWith(layout)).as("entry %s stays inside the layout", entry.getName()).isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(tar, to);
                }
            }
        }
        return layout;
    }

    /** The blob a descriptor names, checked against its digest and size, as JSON. */
    private static JsonNode blob(Path layout, JsonNode descriptor) throws Exception {
        return JSON.readTree(checkDigestAndSize(layout, descriptor).toFile());
    }

    private static Path checkDigestAndSize(Path layout, JsonNode descriptor) throws Exception {
        String digest = descriptor.path("digest").asText();
        assertThat(digest).startsWith("sha256:");
        Path blob = layout.resolve("blobs/sha256").resolve(digest.substring(7));
        assertThat(blob).as("blob %s", digest).isRegularFile();
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(blob)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        assertThat("sha256:" + HexFormat.of().formatHex(sha256.digest())).as("content of blob %s", digest).isEqualTo(digest);
        assertThat(Files.size(blob)).isEqualTo(descriptor.path("size").asLong());
        return blob;
    }

    /** The layers applied in order, as a container runtime would (tar keeps modes; the layers hold no whiteouts). */
    private static Path rootfs(Path layout, JsonNode manifest) throws Exception {
        Path rootfs = Files.createDirectories(layout.resolve("rootfs"));
        for (JsonNode layer : manifest.path("layers")) {
            Path blob = layout.resolve("blobs/sha256").resolve(layer.path("digest").asText().substring(7));
            Process tar = new ProcessBuilder("tar", "--warning=no-unknown-keyword", "-xzpf", blob.toString(), "-C", rootfs.toString())
                    .redirectErrorStream(true).start();
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(tar.waitFor()).as(output).isZero();
        }
        return rootfs;
    }

    private static boolean setUidOrGid(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            return (mode & 06000) != 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
