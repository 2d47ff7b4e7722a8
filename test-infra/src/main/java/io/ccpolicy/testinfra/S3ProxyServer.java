package io.ccpolicy.testinfra;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * s3proxy (a real S3 API over the local filesystem) in a child JVM: its libraries would clash with a service's classpath.
 * The jars come from {@code test-infra/target/s3proxy-lib}, named by the {@code s3proxy.lib} system property.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String IDENTITY = "test-identity";
    public static final String CREDENTIAL = "test-credential";

    private final Path workDir;
    private final List<String> command;
    private final int port;
    private Process process;

    private S3ProxyServer(Path workDir, List<String> command, int port) {
        this.workDir = workDir;
        this.command = command;
        this.port = port;
    }

    public static S3ProxyServer start() {
        String lib = System.getProperty("s3proxy.lib");
        if (lib == null || !new File(lib).isDirectory()) {
            throw new IllegalStateException("system property s3proxy.lib must name test-infra/target/s3proxy-lib, got: " + lib
                    + " (build test-infra first: ./mvnw -pl test-infra install)");
        }
        int port = Ports.freePort();
        try {
            Path workDir = Files.createTempDirectory("s3proxy");
            Path data = Files.createDirectories(workDir.resolve("data"));
            Path conf = Files.writeString(workDir.resolve("s3proxy.conf"), String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + IDENTITY,
                    "s3proxy.credential=" + CREDENTIAL,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.filesystem.basedir=" + data));
            // s3proxy ships no logback.xml: without one it logs every Jetty detail at DEBUG.
            Path logback = Files.writeString(workDir.resolve("logback.xml"),
                    "<configuration><appender name=\"OUT\" class=\"ch.qos.logback.core.ConsoleAppender\"><encoder>"
                            + "<pattern>%d %-5level %logger{20} - %msg%n</pattern></encoder></appender>"
                            + "<root level=\"WARN\"><appender-ref ref=\"OUT\"/></root></configuration>");
            S3ProxyServer server = new S3ProxyServer(workDir, List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dlogback.configurationFile=" + logback,
                    "-cp", lib + File.separator + "*",
                    "org.gaul.s3proxy.Main", "--properties", conf.toString()), port);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("s3proxy did not start", e);
        }
    }

    /** Starts the server again after {@link #kill()}, on the same port with the same data. */
    public void restart() {
        kill();
        launch();
    }

    private void launch() {
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("s3proxy.log").toFile()))
                    .start();
            try {
                Ports.awaitListening("s3proxy", port, Duration.ofSeconds(60), process::isAlive);
            } catch (RuntimeException e) {
                String log = Files.readString(workDir.resolve("s3proxy.log"));
                close();
                throw new IllegalStateException(e.getMessage() + "; its log:\n" + log, e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("s3proxy did not start", e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops the server hard (to test outages); {@link #close()} also deletes its data. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + workDir, e);
        }
    }
}
