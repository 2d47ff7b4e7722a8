package io.ccpolicy.agent.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ccpolicy.agent.e2e.FakeMessagesApi.Call;
import io.ccpolicy.agent.e2e.FakeMessagesApi.Turn;
import io.ccpolicy.engine.testing.DebianPackages;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What enforcement costs a developer, measured in the real Claude Code CLI: {@code claude -p} sessions of 20 sequential
 * Bash calls (everyday commands) under six settings, interleaved round by round so the machine's noise falls on all:
 * no hooks; the agent's hook set answered by a trivial loopback server (reads the request, writes {@code {}} in one
 * segment); the agent; Claude Code's OS sandbox as compiled from the policy, without hooks; and the agent with the
 * sandbox, as installed. Each hook call is timed by the CLI's own debug log (from "HTTP hook POST" to "HTTP hook
 * response"); each Bash call by the fake Messages API (from one model request to the next).
 * <p>
 * Run: {@code ./mvnw -q -pl hook-agent -Dbench=hook-agent package -DskipTests exec:exec@claude-hooks} ({@code -Drounds=N},
 * default 5).
 */
public final class ClaudeHookCost {

    private static final int CALLS = 20;
    private static final List<String> COMMANDS = List.of("ls -la", "cat README.md", "git status 2>/dev/null || true",
            "grep -rn TODO . 2>/dev/null | head -5", "wc -l README.md", "echo built > build.log && cat build.log");
    private static final Pattern POST = Pattern.compile("^(\\S+) \\[DEBUG\\] Hooks: HTTP hook POST to (\\S+)");
    private static final Pattern RESPONSE = Pattern.compile("^(\\S+) \\[DEBUG\\] Hooks: HTTP hook response");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One way to run the sessions: its label, its settings file, and whether its hook calls are compared. */
    private record Variant(String label, Path settings, Path home, List<Long> perCall, Map<String, List<Long>> perHook) {

        Variant(String label, Path settings, Path home) {
            this(label, settings, home, new ArrayList<>(), new TreeMap<>());
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 5);
        DebianPackages.require("bwrap", "bubblewrap");
        DebianPackages.require("socat", "socat");
        ClaudeCli claude = ClaudeCli.installed();
        Path root = Files.createTempDirectory("claude-hook-cost");
        Path home = Files.createDirectories(root.resolve("home"));
        Path project = Files.createDirectories(home.resolve("project"));
        Files.writeString(project.resolve("README.md"), "# bench project\nTODO: nothing\n");
        Path state = Files.createDirectories(root.resolve("state"));
        Files.writeString(state.resolve("agent.yaml"), "organization: Bench\nuser:\n  email: dev@acme.com\n");
        Path policy = Path.of("../policy-engine/src/test/resources/conformance/full-policy.yaml").toAbsolutePath();
        List<String> jvmOptions = Files.readAllLines(Path.of("jvm.options")).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // the same policy with allowManagedHooksOnly, so commands proven read-only skip the sandbox; its own agent
        Path skipping = Files.writeString(root.resolve("skip-policy.yaml"), Files.readString(policy) + "\nclaude_code:\n  allowManagedHooksOnly: true\n");
        Path skipState = Files.createDirectories(root.resolve("skip-state"));
        // a home of its own: each agent writes its hook secret into the home's Claude Code settings
        Path skipHome = Files.createDirectories(root.resolve("skip-home"));
        Path skipProject = Files.createDirectories(skipHome.resolve("project"));
        Files.copy(project.resolve("README.md"), skipProject.resolve("README.md"));
        Files.copy(state.resolve("agent.yaml"), skipState.resolve("agent.yaml"));
        int skipPort;
        try (ServerSocket s = new ServerSocket(0)) {
            skipPort = s.getLocalPort();
        }
        try (TrivialServer trivial = new TrivialServer();
             AgentProcess agent = AgentProcess.start(jvmOptions, Path.of("target/hook-agent.jar"), List.of("--policy", policy.toString(),
                     "--home", home.toString()), state, port);
             AgentProcess skipAgent = AgentProcess.start(jvmOptions, Path.of("target/hook-agent.jar"), List.of("--policy", skipping.toString(),
                     "--home", skipHome.toString()), skipState, skipPort)) {
            ObjectNode installed = (ObjectNode) JSON.readTree(agentSettings(port, state, policy));
            ObjectNode hooksOnly = installed.deepCopy();
            hooksOnly.remove("sandbox");
            ObjectNode trivialHooks = (ObjectNode) JSON.readTree(JSON.writeValueAsString(hooksOnly)
                    .replace("127.0.0.1:" + port + "/", "127.0.0.1:" + trivial.port() + "/"));
            ObjectNode skip = (ObjectNode) JSON.readTree(agentSettings(skipPort, skipState, skipping));
            // flag settings here, not managed ones: Claude Code would read allowManagedHooksOnly as "none of these hooks"
            skip.remove("allowManagedHooksOnly");
            ObjectNode sandboxOnly = installed.deepCopy();
            sandboxOnly.remove("hooks");
            ObjectNode none = sandboxOnly.deepCopy();
            none.remove("sandbox");
            List<Variant> variants = List.of(
                    new Variant("no hooks, no sandbox", write(root, "none", none), home),
                    new Variant("hooks -> trivial server", write(root, "trivial", trivialHooks), home),
                    new Variant("hooks -> agent", write(root, "agent", hooksOnly), home),
                    new Variant("sandbox, no hooks", write(root, "sandbox", sandboxOnly), home),
                    new Variant("hooks -> agent + sandbox", write(root, "installed", installed), home),
                    new Variant("agent + sandbox, reads skip it", write(root, "skip", skip), skipHome));
            for (Variant v : variants) { // warm the CLI's caches, the daemon's JIT and the sandbox's first start
                session(claude, v, new Variant(v.label(), v.settings(), v.home()));
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < variants.size(); i++) {
                    Variant v = variants.get((i + round) % variants.size());
                    System.err.printf("round %d/%d: %s%n", round + 1, rounds, v.label());
                    session(claude, v, v);
                }
            }
            skipAgent.awaitRecorded();
            List<String> trail = Files.readAllLines(skipState.resolve("audit/events.jsonl"));
            long bash = trail.stream().filter(l -> l.contains("\"eventType\":\"PostToolUse\"") && l.contains("\"tool\":\"Bash\"")).count();
            long outside = trail.stream().filter(l -> l.contains("\"eventType\":\"PostToolUse\"") && l.contains("\"dangerouslyDisableSandbox\":true"))
                    .count();
            report(variants, rounds, outside, bash);
        }
    }

    private static void report(List<Variant> variants, int rounds, long outside, long bash) {
        Variant none = variants.get(0);
        Variant trivial = variants.get(1);
        Variant agent = variants.get(2);
        Variant sandbox = variants.get(3);
        Variant installed = variants.get(4);
        Variant skip = variants.get(5);
        System.out.printf("%nclaude %s -p, %d sessions of %d Bash calls per variant, interleaved%n", ClaudeCli.VERSION, rounds, CALLS);
        System.out.printf("%nHook call as the CLI's debug log times it (ms, millisecond clock):%n");
        System.out.printf("%-20s %6s %24s %24s %16s%n", "hook", "calls", "trivial server p50/p90", "agent p50/p90", "agent/trivial");
        for (String hook : agent.perHook().keySet()) {
            List<Long> a = agent.perHook().get(hook);
            List<Long> t = trivial.perHook().getOrDefault(hook, List.of());
            if (t.isEmpty()) {
                continue;
            }
            System.out.printf("%-20s %6d %24s %24s %16s%n", hook, a.size(), pair(t), pair(a), ratio(mean(a), mean(t)) + " (means)");
        }
        // With its sandbox on, Claude Code sends HTTP hooks through the sandbox's network proxy ("via sandbox proxy" in its
        // debug log), an extra hop inside the CLI that no setting of ours avoids.
        System.out.printf("%nThe agent's hook calls with the OS sandbox on, through the CLI's sandbox proxy (ms):%n");
        System.out.printf("%-20s %6s %24s %24s %16s%n", "hook", "calls", "direct p50/p90", "via proxy p50/p90", "proxy/direct");
        for (String hook : installed.perHook().keySet()) {
            List<Long> direct = agent.perHook().getOrDefault(hook, List.of());
            List<Long> proxied = installed.perHook().get(hook);
            if (!direct.isEmpty()) {
                System.out.printf("%-20s %6d %24s %24s %16s%n", hook, proxied.size(), pair(direct), pair(proxied),
                        ratio(mean(proxied), mean(direct)) + " (means)");
            }
        }
        List<Long> permission = skip.perHook().getOrDefault("PermissionRequest", List.of());
        if (!permission.isEmpty()) {
            System.out.printf("%-20s %6d %24s %24s   (only when a proven command leaves the sandbox)%n", "PermissionRequest",
                    permission.size(), "-", pair(permission));
        }
        System.out.printf("%nBash call, from one model request to the next (median ms):%n");
        for (Variant v : variants) {
            System.out.printf("  %-26s %7.1f%n", v.label(), median(v.perCall()) / 1e6);
        }
        System.out.printf("%nBash call by command (median ms): enforcement as installed, and with proven read-only commands outside the"
                + " sandbox%n");
        for (int c = 0; c < COMMANDS.size(); c++) {
            System.out.printf("  %-42s %7.1f %7.1f%n", COMMANDS.get(c), median(ofCommand(installed.perCall(), c)) / 1e6,
                    median(ofCommand(skip.perCall(), c)) / 1e6);
        }
        double base = median(none.perCall()) / 1e6;
        System.out.printf("%nAdded per Bash call over no hooks, no sandbox: trivial hooks %+.1f ms, the agent's hooks %+.1f ms, the sandbox"
                        + " %+.1f ms, the agent and sandbox together (enforcement as installed) %+.1f ms, the agent and sandbox with proven"
                        + " read-only commands outside it (%d of its %d Bash calls) %+.1f ms%n",
                median(trivial.perCall()) / 1e6 - base, median(agent.perCall()) / 1e6 - base, median(sandbox.perCall()) / 1e6 - base,
                median(installed.perCall()) / 1e6 - base, outside, bash, median(skip.perCall()) / 1e6 - base);
    }

    /** The times of one of {@link #COMMANDS}: sessions of {@link #CALLS} calls each, the commands in turn. */
    private static List<Long> ofCommand(List<Long> perCall, int command) {
        List<Long> times = new ArrayList<>();
        for (int j = 0; j < perCall.size(); j++) {
            if ((j % CALLS) % COMMANDS.size() == command) {
                times.add(perCall.get(j));
            }
        }
        return times;
    }

    private static Path write(Path root, String name, ObjectNode settings) throws IOException {
        return Files.writeString(root.resolve(name + "-settings.json"), JSON.writeValueAsString(settings));
    }

    /** What {@code hook-agent settings --policy} prints for an install: the hook set and what the policy compiles to natively. */
    private static String agentSettings(int port, Path state, Path policy) throws Exception {
        Process print = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target/hook-agent.jar").toAbsolutePath().toString(), "settings", "--port", String.valueOf(port), "--state-dir",
                state.toString(), "--policy", policy.toString()).redirectErrorStream(true).start();
        String out = new String(print.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (print.waitFor() != 0) {
            throw new IllegalStateException("hook-agent settings failed: " + out);
        }
        return out;
    }

    private static void session(ClaudeCli claude, Variant variant, Variant into) throws Exception {
        Path home = variant.home();
        Path project = home.resolve("project");
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            turns.add(Turn.calls(new Call("Bash", Map.of("command", COMMANDS.get(i % COMMANDS.size()), "description", "x"))));
        }
        turns.add(Turn.text("done"));
        try (FakeMessagesApi api = new FakeMessagesApi(turns, List.of(), 100)) {
            ClaudeCli.Session session = claude.run(project, home, api.baseUrl(), List.of("--allowedTools", "Bash", "--settings",
                    variant.settings().toString()), Map.of());
            if (session.exitCode() != 0 || api.results().size() != CALLS || api.results().stream().anyMatch(FakeMessagesApi.ToolResult::isError)) {
                throw new IllegalStateException(variant.label() + ": the session failed: " + api.results() + "\n" + session.stderr());
            }
            List<Long> nanos = api.mainRequestNanos();
            for (int i = 1; i < nanos.size(); i++) {
                into.perCall().add(nanos.get(i) - nanos.get(i - 1));
            }
            hookTimes(session.debugLog()).forEach((hook, times) -> into.perHook().computeIfAbsent(hook, h -> new ArrayList<>()).addAll(times));
        }
    }

    /** Each HTTP hook call's time in ms by hook event (the URL's last segment), from the CLI's debug log. */
    static Map<String, List<Long>> hookTimes(Path debugLog) throws IOException {
        Map<String, List<Long>> times = new LinkedHashMap<>();
        Deque<Object[]> open = new ArrayDeque<>();
        for (String line : Files.readAllLines(debugLog)) {
            Matcher post = POST.matcher(line);
            if (post.find()) {
                String url = post.group(2);
                open.add(new Object[]{url.substring(url.lastIndexOf('/') + 1), Instant.parse(post.group(1))});
                continue;
            }
            Matcher response = RESPONSE.matcher(line);
            if (response.find() && !open.isEmpty()) {
                Object[] call = open.poll();
                long ms = Instant.parse(response.group(1)).toEpochMilli() - ((Instant) call[1]).toEpochMilli();
                times.computeIfAbsent((String) call[0], h -> new ArrayList<>()).add(ms);
            }
        }
        return times;
    }

    private static String pair(List<Long> ms) {
        return String.format("%d / %d", percentile(ms, 50), percentile(ms, 90));
    }

    private static String ratio(double a, double b) {
        return b == 0 ? "n/a" : String.format("%.2fx", a / b);
    }

    private static double mean(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).average().orElse(0);
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    private static long median(List<Long> values) {
        return percentile(values, 50);
    }

    /** The baseline hook server: reads a request, answers {@code {}} in one TCP segment; no decision, no audit. */
    private static final class TrivialServer implements AutoCloseable {

        private static final byte[] ANSWER = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                .getBytes(StandardCharsets.ISO_8859_1);
        private final ServerSocket socket;

        TrivialServer() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket connection = socket.accept();
                        connection.setTcpNoDelay(true);
                        Thread worker = new Thread(() -> serve(connection));
                        worker.setDaemon(true);
                        worker.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void serve(Socket connection) {
            try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
                byte[] buffer = new byte[1 << 16];
                StringBuilder pending = new StringBuilder();
                int n;
                while ((n = in.read(buffer)) > 0) {
                    pending.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    int end;
                    while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
                        Matcher length = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(pending.substring(0, end));
                        int body = length.find() ? Integer.parseInt(length.group(1)) : 0;
                        if (pending.length() < end + 4 + body) {
                            break;
                        }
                        pending.delete(0, end + 4 + body);
                        out.write(ANSWER);
                        out.flush();
                    }
                }
            } catch (IOException gone) {
                // the client closed the connection
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
