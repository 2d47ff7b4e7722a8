package io.ccpolicy.agent.bench;

import io.ccpolicy.agent.config.HookSecret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./mvnw -q -pl hook-agent -Dbench=hook-agent test-compile exec:exec}: the packaged agent answering real PreToolUse payloads
 * over HTTP (keep-alive connections, as Claude Code uses), 20,000 calls at concurrency 1 and 8 with audit on, started
 * five ways in the same run (the JVM's defaults, then each footprint lever {@code jvm.options} adds: heap sizing, a
 * small code cache and stacks, C1 only, then an AppCDS archive), with time to ready and resident memory for each; beside
 * the cost every command-hook design pays: spawning a no-op process that reads the payload.
 */
public final class HookLatencyBenchmark {

    /** The agent's hook secret, read once it has started (every call carries it, as Claude Code's do). */
    private static volatile String secret;

    private static final int CALLS = 20_000;

    /** A way to start the daemon: a label and the JVM options. */
    private record Variant(String label, List<String> jvm) {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("hook-bench");
        Path policy = Path.of("../policy-engine/src/test/resources/conformance/full-policy.yaml").toAbsolutePath();
        Files.writeString(work.resolve("agent.yaml"), "organization: Bench\nuser:\n  email: dev@acme.com\n  teams: [payments]\n");
        List<byte[]> payloads = new ArrayList<>();
        for (String name : List.of("PreToolUse.Bash.json", "PreToolUse.Write.json", "PreToolUse.Read.json", "PreToolUse.Edit.json",
                "PreToolUse.mcp__e2e__echo.json")) {
            payloads.add(Files.readAllBytes(Path.of("../policy-engine/src/test/resources/payloads", name)));
        }
        // the options bin/hook-agent and the installers start the daemon with, one lever at a time from the JVM's defaults
        List<String> shipped = Files.readAllLines(Path.of("jvm.options")).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        Path archive = work.resolve("hook-agent.jsa");
        List<String> heap = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx96m", "-XX:MaxHeapFreeRatio=30", "-XX:MinHeapFreeRatio=10");
        List<String> small = concat(concat(heap, "-XX:ReservedCodeCacheSize=24m"), "-Xss512k");
        List<Variant> variants = List.of(
                new Variant("JVM defaults + SerialGC (before)", List.of("-XX:+UseSerialGC")),
                new Variant("+ heap sized (-Xms8m -Xmx96m, free ratio 10-30%)", heap),
                new Variant("+ 24 MB code cache, 512 KB stacks (C2 kept)", small),
                new Variant("jvm.options (shipped: + C1 only)", shipped),
                new Variant("jvm.options + AppCDS archive of the agent's classes", concat(shipped, "-XX:SharedArchiveFile=" + archive)));
        // the AppCDS archive is written when a trained daemon exits, as bin/hook-agent does on first start
        Daemon training = Daemon.start(work, policy, concat(shipped, "-XX:ArchiveClassesAtExit=" + archive));
        run(training.port, payloads, 1, 2_000);
        training.stop();

        System.out.printf("%-60s %9s %9s %9s %9s %9s%n", "daemon started with", "ready ms", "RSS MB", "p50 ms", "p99 ms", "c=8 p50");
        long baselineP50 = 0;
        for (Variant variant : variants) {
            Daemon daemon = Daemon.start(work, policy, variant.jvm());
            try {
                run(daemon.port, payloads, 1, 2_000); // warm-up
                long[] one = run(daemon.port, payloads, 1, CALLS);
                long[] eight = run(daemon.port, payloads, 8, CALLS);
                long rss = rssKb(daemon.process.pid());
                baselineP50 = baselineP50 == 0 ? percentile(one, 50) : baselineP50;
                System.out.printf("%-60s %9d %9d %9.3f %9.3f %9.3f%n", variant.label(), daemon.readyMs, rss / 1024, percentile(one, 50) / 1000.0,
                        percentile(one, 99) / 1000.0, percentile(eight, 50) / 1000.0);
            } finally {
                daemon.stop();
            }
        }
        long[] spawned = spawn(payloads.get(0), 300);
        System.out.println("(RSS after " + (CALLS * 2 + 2_000) + " calls with audit on; p50/p99 at concurrency 1 over keep-alive connections)");
        print("spawned no-op command hook (sh -c 'cat >/dev/null')", spawned);
        System.out.printf("ratio: spawned no-op p50 / daemon p50 (JVM defaults, concurrency 1) = %.1fx%n",
                (double) percentile(spawned, 50) / baselineP50);
    }

    private static List<String> concat(List<String> options, String more) {
        List<String> all = new ArrayList<>(options);
        all.add(more);
        return all;
    }

    /** The packaged agent, serving the policy on a free port with its state in {@code work}. */
    private record Daemon(Process process, int port, long readyMs) {

        /** A daemon with a state directory of its own under {@code work}: each variant starts from an empty spool. */
        static Daemon start(Path work, Path policy, List<String> jvm) throws Exception {
            Path state = Files.createTempDirectory(work, "daemon");
            Files.copy(work.resolve("agent.yaml"), state.resolve("agent.yaml"));
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvm);
            command.addAll(List.of("-jar", Path.of("target/hook-agent.jar").toAbsolutePath().toString(), "serve", "--policy", policy.toString(),
                    "--state-dir", state.toString(), "--port", String.valueOf(port), "--home", Files.createDirectories(state.resolve("home")).toString()));
            long spawnStart = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolve("agent.log").toFile())).start();
            long ready = awaitReady(port, spawnStart);
            secret = HookSecret.load(state).value();
            return new Daemon(process, port, ready);
        }

        void stop() throws InterruptedException {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static long awaitReady(int port, long spawnStart) throws InterruptedException {
        while (true) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return (System.nanoTime() - spawnStart) / 1_000_000;
            } catch (IOException e) {
                Thread.sleep(5);
            }
        }
    }

    /** Per-call latency in microseconds, over keep-alive connections, one per worker. */
    private static long[] run(int port, List<byte[]> payloads, int concurrency, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<long[]>> parts = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            parts.add(pool.submit(() -> {
                long[] latencies = new long[calls / concurrency];
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
                    for (int i = 0; i < latencies.length; i++) {
                        byte[] body = payloads.get((i + worker) % payloads.size());
                        byte[] head = ("POST /hooks/PreToolUse HTTP/1.1\r\nHost: 127.0.0.1\r\n" + HookSecret.HEADER + ": " + secret + "\r\nContent-Type: application/json\r\nContent-Length: "
                                + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                        byte[] request = Arrays.copyOf(head, head.length + body.length);
                        System.arraycopy(body, 0, request, head.length, body.length);
                        long start = System.nanoTime();
                        out.write(request);
                        out.flush();
                        readResponse(in);
                        latencies[i] = (System.nanoTime() - start) / 1000;
                    }
                }
                return latencies;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<long[]> part : parts) {
            for (long l : part.get()) {
                all.add(l);
            }
        }
        pool.shutdown();
        return all.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static void readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            head.append((char) b);
        }
        String h = head.toString().toLowerCase();
        int at = h.indexOf("content-length:");
        int length = Integer.parseInt(h.substring(at + 15, h.indexOf("\r\n", at)).trim());
        in.readNBytes(length);
    }

    private static long[] spawn(byte[] payload, int times) throws Exception {
        long[] latencies = new long[times];
        for (int i = 0; i < times; i++) {
            long start = System.nanoTime();
            Process p = new ProcessBuilder("sh", "-c", "cat >/dev/null").start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(payload);
            }
            p.waitFor();
            latencies[i] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
    }

    private static void print(String what, long[] sorted) {
        System.out.printf("%-55s n=%6d  p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms%n", what, sorted.length, percentile(sorted, 50) / 1000.0,
                percentile(sorted, 99) / 1000.0, sorted[sorted.length - 1] / 1000.0);
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
