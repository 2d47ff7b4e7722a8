package io.ccpolicy.agent.e2e;

import io.ccpolicy.agent.e2e.FakeMessagesApi.Call;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.agent.e2e.FakeMessagesApi.Turn;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a developer feels: a real {@code claude -p} session of 20 sequential Bash calls, with and without the agent's
 * hooks, timed turn by turn at the fake API (from one model request to the next = one tool call including its hooks).
 * Prints the median time per turn of each, and their difference: the time the agent adds per call. Run by the
 * {@code bench} profile after {@link io.ccpolicy.agent.bench.HookLatencyBenchmark}.
 */
public final class ClaudeSessionOverhead {

    private static final int CALLS = 20;
    private static final int ROUNDS = 8;

    public static void main(String[] args) throws Exception {
        ClaudeCli claude = ClaudeCli.installed();
        Path root = Files.createTempDirectory("claude-overhead");
        Path home = Files.createDirectories(root.resolve("home"));
        Path project = Files.createDirectories(home.resolve("project"));
        Path state = Files.createDirectories(root.resolve("state"));
        Files.writeString(state.resolve("agent.yaml"), "organization: Bench\nuser:\n  email: dev@acme.com\n");
        Path policy = Path.of("../policy-engine/src/test/resources/conformance/full-policy.yaml").toAbsolutePath();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path settings = settings(root.resolve("agent-settings.json"), port, state);
        Path none = Files.writeString(root.resolve("no-hooks.json"), "{}");
        // Baseline for the hooks themselves: the same hook registrations answered by a server that decides nothing.
        try (HookServer trivial = new HookServer(0, 1 << 20, 16, request -> HookServer.Response.json(200, "{}"));
             AgentProcess agent = AgentProcess.start(policy, state, home, port)) {
            Path trivialSettings = settings(root.resolve("trivial-settings.json"), trivial.port(), state);
            run(claude, project, home, none); // warm the CLI's caches
            List<Long> without = new ArrayList<>();
            List<Long> empty = new ArrayList<>();
            List<Long> with = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                without.addAll(run(claude, project, home, none));
                empty.addAll(run(claude, project, home, trivialSettings));
                with.addAll(run(claude, project, home, settings));
            }
            long a = median(without);
            long e = median(empty);
            long b = median(with);
            System.out.printf("claude -p, %d Bash calls x %d sessions each, median time per call: no hooks %.1f ms; the same hooks"
                    + " answered by a server that decides nothing %.1f ms; the agent (policy, audit on) %.1f ms%n", CALLS, ROUNDS, a / 1e6,
                    e / 1e6, b / 1e6);
            System.out.printf("added per call by the agent's work over the trivial hook server: %.1f ms; by hooks at all: %.1f ms%n",
                    (b - e) / 1e6, (b - a) / 1e6);
        }
    }

    private static Path settings(Path file, int port, Path state) throws Exception {
        Process print = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target/hook-agent.jar").toAbsolutePath().toString(), "settings", "--port", String.valueOf(port), "--state-dir",
                state.toString()).redirectOutput(file.toFile()).start();
        print.waitFor();
        return file;
    }

    private static List<Long> run(ClaudeCli claude, Path project, Path home, Path settings) throws Exception {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            turns.add(Turn.calls(new Call("Bash", Map.of("command", "echo " + i, "description", "x"))));
        }
        turns.add(Turn.text("done"));
        try (FakeMessagesApi api = new FakeMessagesApi(turns, List.of(), 100)) {
            ClaudeCli.Session session = claude.run(project, home, api.baseUrl(), List.of("--allowedTools", "Bash", "--settings",
                    settings.toString()), Map.of());
            if (session.exitCode() != 0 || api.results().size() != CALLS || api.results().stream().anyMatch(FakeMessagesApi.ToolResult::isError)) {
                throw new IllegalStateException("session failed: " + api.results() + "\n" + session.stderr());
            }
            List<Long> nanos = api.mainRequestNanos();
            List<Long> perTurn = new ArrayList<>();
            for (int i = 1; i < nanos.size(); i++) {
                perTurn.add(nanos.get(i) - nanos.get(i - 1));
            }
            return perTurn;
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
