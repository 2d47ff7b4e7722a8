package io.ccpolicy.agent.e2e;

import io.ccpolicy.agent.e2e.FakeMessagesApi.Call;
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
        Path settings = root.resolve("agent-settings.json");
        Process print = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target/hook-agent.jar").toAbsolutePath().toString(), "settings", "--port", String.valueOf(port), "--state-dir",
                state.toString()).redirectOutput(settings.toFile()).start();
        print.waitFor();
        Path none = Files.writeString(root.resolve("no-hooks.json"), "{}");
        try (AgentProcess agent = AgentProcess.start(policy, state, home, port)) {
            run(claude, project, home, none); // warm the CLI's caches
            List<Long> without = new ArrayList<>();
            List<Long> with = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                without.addAll(run(claude, project, home, none));
                with.addAll(run(claude, project, home, settings));
            }
            long a = median(without);
            long b = median(with);
            System.out.printf("claude -p, %d Bash calls x %d sessions each: median per call without the agent %.1f ms, with it %.1f ms;"
                    + " added per call %.1f ms (agent on port %d)%n", CALLS, ROUNDS, a / 1e6, b / 1e6, (b - a) / 1e6, agent.port());
        }
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
