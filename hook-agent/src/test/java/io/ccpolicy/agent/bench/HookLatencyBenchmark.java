package io.ccpolicy.agent.bench;

import io.ccpolicy.agent.daemon.HookSecret;
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
 * over HTTP (keep-alive connections, as Claude Code uses), 20,000 calls at concurrency 1 and 8 with audit on, beside
 * the cost every command-hook design pays in the same run: spawning a no-op process that reads the payload.
 */
public final class HookLatencyBenchmark {

    /** The agent's hook secret, read once it has started (every call carries it, as Claude Code's do). */
    private static volatile String secret;

    private static final int CALLS = 20_000;

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("hook-bench");
        Path policy = Path.of("../policy-engine/src/test/resources/conformance/full-policy.yaml").toAbsolutePath();
        Files.writeString(work.resolve("agent.yaml"), "organization: Bench\nuser:\n  email: dev@acme.com\n  teams: [payments]\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long spawnStart = System.nanoTime();
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-jar", Path.of("target/hook-agent.jar").toAbsolutePath().toString(), "serve", "--policy", policy.toString(),
                "--state-dir", work.toString(), "--port", String.valueOf(port), "--home", Files.createDirectories(work.resolve("home")).toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile()).start();
        try {
            long ready = awaitReady(port, spawnStart);
            secret = HookSecret.load(work).value();
            List<byte[]> payloads = new ArrayList<>();
            for (String name : List.of("PreToolUse.Bash.json", "PreToolUse.Write.json", "PreToolUse.Read.json", "PreToolUse.Edit.json",
                    "PreToolUse.mcp__e2e__echo.json")) {
                payloads.add(Files.readAllBytes(Path.of("../policy-engine/src/test/resources/payloads", name)));
            }
            run(port, payloads, 1, 2_000); // warm-up
            long[] one = run(port, payloads, 1, CALLS);
            long[] eight = run(port, payloads, 8, CALLS);
            long[] spawned = spawn(payloads.get(0), 300);
            long rss = rssKb(agent.pid());
            System.out.println("hook-agent daemon: ready in " + ready + " ms after spawn, resident memory " + rss / 1024 + " MB after "
                    + (CALLS * 2 + 2_000) + " calls (audit on: " + Files.size(work.resolve("audit/events.jsonl")) / 1024 + " KB written)");
            print("HTTP hook, concurrency 1", one);
            print("HTTP hook, concurrency 8", eight);
            print("spawned no-op command hook (sh -c 'cat >/dev/null')", spawned);
            System.out.printf("ratio: spawned no-op p50 / daemon p50 (concurrency 1) = %.1fx%n", (double) percentile(spawned, 50) / percentile(one, 50));
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
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
