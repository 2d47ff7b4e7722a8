package io.ccpolicy.agent.e2e;

import io.ccpolicy.agent.config.HookSecret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged hook agent ({@code target/hook-agent.jar}) running as its own process, as on a developer machine. */
public final class AgentProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;
    private final Path stateDir;

    private AgentProcess(Process process, int port, Path log, Path stateDir) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.stateDir = stateDir;
    }

    static AgentProcess start(Path policy, Path stateDir, Path home, int port) throws IOException, InterruptedException {
        return start(Path.of("target/hook-agent.jar"), List.of("--policy", policy.toString(), "--home", home.toString()), stateDir, port);
    }

    /** {@code hook-agent serve} from {@code jar} with {@code args}, on {@code port}, its output in the state directory's agent.log. */
    public static AgentProcess start(Path jar, List<String> args, Path stateDir, int port) throws IOException, InterruptedException {
        return start(List.of("-XX:+UseSerialGC"), jar, args, stateDir, port);
    }

    /** The same, with the daemon's JVM started with {@code jvmOptions} (e.g. the shipped jvm.options). */
    public static AgentProcess start(List<String> jvmOptions, Path jar, List<String> args, Path stateDir, int port)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: the end-to-end tests run after 'package'");
        }
        Path log = stateDir.resolve("agent.log");
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "serve", "--state-dir", stateDir.toString(), "--port",
                String.valueOf(port)));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AgentProcess agent = new AgentProcess(process, port, log, stateDir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (agent.health() == null) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                agent.close();
                throw new IllegalStateException("the agent did not start; its log:\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return agent;
    }

    public int port() {
        return port;
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Waits until the daemon has recorded every call it answered (it audits after answering). */
    public void awaitRecorded() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String health = health();
            if (health != null && health.contains("\"auditUnrecordedCalls\":0")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent still has unrecorded calls after 10 s: " + health);
            }
            Thread.sleep(20);
        }
    }

    /** The daemon's full /health answer (sent with the install's secret, as 'hook-agent status' does), or null while it does not answer. */
    public String health() {
        try {
            if (!Files.exists(stateDir.resolve("hook-secret"))) {
                return null;
            }
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2))
                    .header(HookSecret.HEADER, HookSecret.load(stateDir).value()).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
