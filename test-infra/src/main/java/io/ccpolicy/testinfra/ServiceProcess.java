package io.ccpolicy.testinfra;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A packaged Quarkus service ({@code target/quarkus-app/quarkus-run.jar}) as its own process on a free port, for tests
 * that kill it and benchmarks that must not share a JVM with the load. Its output goes to a log file.
 */
public final class ServiceProcess implements AutoCloseable {

    private final Path jar;
    private final Map<String, String> properties;
    private final Path log;
    private final List<String> jvmOptions;
    private final int port;
    private Process process;

    public ServiceProcess(Path jar, List<String> jvmOptions, Map<String, String> properties, Path log) {
        this(jar, jvmOptions, properties, log, Ports.freePort());
    }

    /** On a port chosen beforehand (for a service under test whose configuration must name it before it starts). */
    public ServiceProcess(Path jar, List<String> jvmOptions, Map<String, String> properties, Path log, int port) {
        this.port = port;
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the service first (./mvnw package): no " + jar.toAbsolutePath());
        }
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.properties = properties;
        this.log = log;
    }

    public int port() {
        return port;
    }

    public URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** Starts the process and waits until it listens. */
    public void start(Duration timeout) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + jar, e);
        }
        // Quarkus opens its HTTP port last, once started.
        Ports.awaitListening(jar.toString(), port, timeout, process::isAlive);
    }

    /** The CPU time the process has used so far (for benchmarks: what a piece of work cost it, however long it waited). */
    public Duration cpuTime() {
        return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("this system does not tell a process's CPU time"));
    }

    /** SIGKILL: no shutdown hooks, no graceful anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGSTOP: the process keeps its state (a warm JIT, its connections) but uses no CPU until {@link #resume()}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + exit);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }
}
