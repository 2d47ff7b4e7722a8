package io.ccpolicy.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.e2e.FakeMessagesApi.Call;
import io.ccpolicy.agent.e2e.FakeMessagesApi.Turn;
import io.ccpolicy.agent.hook.TranscriptMeter;
import io.ccpolicy.engine.testing.DebianPackages;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI, headless, with the agent installed through {@code bin/hook-agent install}: into the real
 * managed settings directory when this process may write it (CI runs as root; the previous content is restored), else
 * into a private directory whose settings are passed with {@code --settings}. The model is the scripted fake API, the
 * tools and hooks are Claude Code's own, and the assertions are on what the CLI really did.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClaudeCodeE2EIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SYSTEM_MANAGED = Path.of("/etc/claude-code");
    private static final String ALLOWED_TOOLS = "Read,Write,Edit,Bash,Agent,mcp__approved__echo,mcp__rogue__echo";

    @TempDir
    static Path root;

    static ClaudeCli claude;
    static AgentProcess agent;
    static Path home;
    static Path project;
    static Path state;
    static Path policy;
    static Path managedDir;
    static boolean systemManaged;
    static String hostsBefore;

    @BeforeAll
    static void installAgent() throws Exception {
        claude = ClaudeCli.installed();
        // Claude Code's OS sandbox on Linux, which the policy's path rules require
        DebianPackages.require("bwrap", "bubblewrap");
        DebianPackages.require("socat", "socat");
        home = Files.createDirectories(root.resolve("home"));
        project = Files.createDirectories(home.resolve("project"));
        state = Files.createDirectories(root.resolve("state"));
        Files.writeString(project.resolve("README.md"), "# e2e project\n");
        Files.writeString(project.resolve("CLAUDE.md"), "# Rules\nThe staging db password: hunter2\n");
        policy = root.resolve("policy.yaml");
        Files.writeString(policy, policyYaml(""));
        Files.writeString(state.resolve("agent.yaml"), "organization: E2E Corp\nuser:\n  email: dev@acme.com\n  teams: [platform]\n");
        agent = AgentProcess.start(policy, state, home, freePort());
        systemManaged = isRoot() && (Files.isWritable(SYSTEM_MANAGED) || (!Files.exists(SYSTEM_MANAGED) && Files.isWritable(Path.of("/etc"))));
        managedDir = systemManaged ? SYSTEM_MANAGED : Files.createDirectories(root.resolve("managed"));
        String out = hookAgent("install", "--managed-dir", managedDir.toString(), "--port", String.valueOf(agent.port()),
                "--policy", policy.toString(), "--state-dir", state.toString());
        assertThat(out).contains("Installed into " + managedDir.resolve("managed-settings.json"));
        hostsBefore = sha256(Path.of("/etc/hosts"));
    }

    @AfterAll
    static void uninstall() throws Exception {
        try {
            hookAgent("uninstall", "--managed-dir", managedDir.toString());
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
        assertThat(sha256(Path.of("/etc/hosts"))).as("/etc/hosts must never change").isEqualTo(hostsBefore);
    }

    @Test
    @Order(1)
    void policyIsEnforcedInARealSessionIncludingSubagentsAndMcp() throws Exception {
        Path mcpConfig = mcpConfig();
        try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                Turn.calls(new Call("Read", Map.of("file_path", project.resolve("README.md").toString())),
                        new Call("Write", Map.of("file_path", "/etc/hosts", "content", "6.6.6.6 bank.example\n")),
                        new Call("Bash", Map.of("command", "sh -c 'echo 6.6.6.6 evil >> /etc/hosts'", "description", "x"))),
                Turn.calls(new Call("mcp__approved__echo", Map.of("msg", "hi")), new Call("mcp__rogue__echo", Map.of("msg", "hi"))),
                Turn.calls(new Call("Agent", Map.of("description", "helper", "prompt", "do it", "subagent_type", "general-purpose"))),
                Turn.text("All done.")),
                List.of(Turn.calls(new Call("Bash", Map.of("command", "echo from-subagent > /etc/hosts", "description", "x"))),
                        Turn.text("sub done")), 100)) {
            ClaudeCli.Session session = run(api, List.of("--mcp-config", mcpConfig.toString()), Map.of());

            assertThat(api.result(0, 0)).as(session.stderr()).isNotNull();
            assertThat(api.result(0, 0).isError()).as("Read in the project is allowed: %s", api.result(0, 0)).isFalse();
            assertThat(api.result(0, 1).isError()).isTrue();
            assertThat(api.result(0, 1).content()).contains("POLICY VIOLATION").contains("Policy: approved-paths")
                    .contains("Writing to /etc/hosts is not permitted");
            assertThat(api.result(0, 2).isError()).isTrue();
            assertThat(api.result(0, 2).content()).contains("POLICY VIOLATION").contains("/etc/hosts");
            assertThat(api.result(1, 0).isError()).as("approved MCP server works: %s", api.result(1, 0)).isFalse();
            assertThat(api.result(1, 0).content()).contains("echo:hi");
            assertThat(api.result(1, 1).isError()).as("unapproved MCP server is refused").isTrue();
            assertThat(api.subagentResult(0, 0)).as("the subagent's call reached the model").isNotNull();
            assertThat(api.subagentResult(0, 0).isError()).isTrue();
            assertThat(api.subagentResult(0, 0).content()).contains("POLICY VIOLATION");
            assertThat(String.join("\n", api.mainRequests())).contains("Enterprise Policy Active: E2E Corp")
                    .contains("Potential secret detected in CLAUDE.md");
        }
        agent.awaitRecorded();
        String audit = Files.readString(state.resolve("audit/events.jsonl"));
        assertThat(audit).contains("\"tool\":\"Read\"").contains("\"result\":\"allowed\"").contains("\"result\":\"denied\"")
                .contains("\"agent_id\"").contains("\"eventType\":\"SessionStart\"").contains("\"eventType\":\"PostToolUse\"")
                .doesNotContain("6.6.6.6 bank.example");
        // the guide's event types as the real CLI's hooks produce them: the session's end, and a Bash write as a file_modification
        assertThat(audit).contains("\"eventType\":\"SessionEnd\"").contains("\"type\":\"session_end\"")
                .contains("\"type\":\"file_modification\",\"tool\":\"Bash\"").contains("\"writes\":[\"/etc/hosts\"]");
    }

    @Test
    @Order(2)
    void bypassPermissionsModeDoesNotBypassThePolicy() throws Exception {
        try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                Turn.calls(new Call("Write", Map.of("file_path", "/etc/hosts", "content", "x\n"))), Turn.text("done")), List.of(), 100)) {
            run(api, List.of("--dangerously-skip-permissions"), Map.of("IS_SANDBOX", "1"));
            assertThat(api.result(0, 0).isError()).isTrue();
            assertThat(api.result(0, 0).content()).contains("POLICY VIOLATION");
        }
    }

    @Test
    @Order(3)
    void aPolicyEditTakesEffectInARunningSession() throws Exception {
        String before = agent.health();
        try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                Turn.calls(new Call("Bash", Map.of("command", "echo first", "description", "x"))),
                Turn.calls(new Call("Bash", Map.of("command", "echo second", "description", "x"))).before(() -> edit(before,
                        "  - {name: no-echo, type: denylist, target: bashCommand, values: [echo], severity: error}\n")),
                Turn.text("done")), List.of(), 100)) {
            run(api, List.of(), Map.of());
            assertThat(api.result(0, 0).isError()).as("%s", api.result(0, 0)).isFalse();
            assertThat(api.result(1, 0).isError()).as("after the edit: %s; agent log:%n%s", api.result(1, 0), agent.log()).isTrue();
            assertThat(api.result(1, 0).content()).contains("Policy: no-echo");
        } finally {
            edit(agent.health(), "");
        }
    }

    @Test
    @Order(4)
    void aTokenLimitBlocksOnceExceeded() throws Exception {
        String before = agent.health();
        // Each turn reports 10,000 tokens. Whether the transcript holds a turn's usage when the next hook runs depends on
        // timing, so the cap sits above the first turn (it is allowed either way) and below the later ones.
        edit(before, "  - {name: token-cap, type: limit, target: sessionTokens, max: 25000, severity: error, "
                + "message: 'Session token budget exhausted ({{current}}/{{max}})'}\n");
        try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                Turn.calls(new Call("Bash", Map.of("command", "echo one", "description", "x"))),
                Turn.calls(new Call("Bash", Map.of("command", "echo two", "description", "x"))),
                Turn.calls(new Call("Bash", Map.of("command", "echo three", "description", "x"))),
                Turn.calls(new Call("Bash", Map.of("command", "echo four", "description", "x"))),
                Turn.calls(new Call("Bash", Map.of("command", "echo five", "description", "x"))),
                Turn.text("done")), List.of(), 10_000)) {
            // Claude Code writes its transcript a little behind the conversation, so the budget bites a turn or two late.
            run(api, List.of(), Map.of());
            assertThat(api.result(0, 0).isError()).as("%s", api.result(0, 0)).isFalse();
            agent.awaitRecorded();
            String tokenCounts = Files.readAllLines(state.resolve("audit/events.jsonl")).stream()
                    .filter(l -> l.contains("\"tokenCount\"")).map(l -> l.replaceAll(".*\"tokenCount\":(\\d+).*", "$1")).toList().toString();
            assertThat(api.results()).as("results %s; token counts seen %s", api.results(), tokenCounts).anySatisfy(r -> {
                assertThat(r.isError()).isTrue();
                assertThat(r.content()).contains("Session token budget exhausted");
            });
        } finally {
            edit(agent.health(), "");
        }
    }

    @Test
    @Order(4)
    void theSessionsTokensAreItsApiMessagesEachCountedOnceSubagentsIncluded() throws Exception {
        String marker = "token-audit-" + System.nanoTime();
        try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                // text and a tool call in one message: Claude Code writes two transcript lines with the message's usage
                new Turn(marker, List.of(new Call("Bash", Map.of("command", "echo " + marker, "description", "x"))), () -> { }),
                Turn.calls(new Call("Agent", Map.of("description", "helper", "prompt", "count", "subagent_type", "general-purpose"))),
                Turn.text("done")),
                List.of(new Turn("sub thinking", List.of(new Call("Bash", Map.of("command", "echo sub", "description", "x"))), () -> { }),
                        Turn.text("sub done")), 1_000)) {
            run(api, List.of(), Map.of());
            List<Path> transcripts;
            try (var files = Files.walk(home.resolve(".claude/projects"))) {
                transcripts = files.filter(f -> f.toString().endsWith(".jsonl")).toList();
            }
            Path main = transcripts.stream().filter(f -> !f.toString().contains("/subagents/") && read(f).contains(marker)).findFirst().orElseThrow();
            String stem = main.toString().substring(0, main.toString().length() - ".jsonl".length());
            List<Path> session = transcripts.stream().filter(f -> f.equals(main) || f.startsWith(Path.of(stem, "subagents"))).toList();
            assertThat(session).as("the subagent wrote its own transcript beside the session's").hasSizeGreaterThan(1);
            java.util.Set<String> written = new java.util.HashSet<>();
            long lines = 0;
            for (Path file : session) {
                for (String line : Files.readAllLines(file)) {
                    java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":\"(msg_fake_\\d+)\"").matcher(line);
                    if (line.contains("\"usage\"") && id.find()) {
                        written.add(id.group(1));
                        lines++;
                    }
                }
            }
            assertThat(lines).as("some messages span several lines").isGreaterThan(written.size());
            long served = written.stream().mapToLong(id -> api.usage().get(id)).sum();
            assertThat(new io.ccpolicy.agent.hook.TranscriptMeter().session(main.toString()).tokens())
                    .as("the API's own usage of the messages the session kept, main and subagent").isEqualTo(served);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    @Order(5)
    void theOsSandboxCompiledFromThePolicyStopsWhatTheHookCannotSee() throws Exception {
        Path target = Path.of("/etc/ccpolicy-e2e-sandbox");
        Files.deleteIfExists(target);
        String managed = Files.readString(managedDir.resolve("managed-settings.json")).replaceAll("\\s", "");
        assertThat(managed).as("the writePath allowlist compiles into the required sandbox").contains("\"sandbox\"")
                .contains("\"failIfUnavailable\":true").contains("\"allowUnsandboxedCommands\":false");
        try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                Turn.calls(new Call("Write", Map.of("file_path", project.resolve("Makefile").toString(),
                        "content", "all:\n\techo pwned > " + target + "\n"))),
                Turn.calls(new Call("Bash", Map.of("command", "make", "description", "build"))),
                Turn.calls(new Call("Bash", Map.of("command", "ls nothing 2>/dev/null; command -v make >/dev/null && echo tools-ok",
                        "description", "check"))),
                Turn.calls(new Call("Bash", Map.of("command", "python3 -c 'open(\"/etc/ccpolicy-e2e-py\", \"w\")'", "description", "x"))),
                Turn.text("done")), List.of(), 100)) {
            run(api, List.of(), Map.of());
            assertThat(api.result(0, 0).isError()).as("the Makefile is written in the project: %s", api.result(0, 0)).isFalse();
            assertThat(api.result(1, 0).isError()).as("the hook allows make, the sandbox stops its recipe: %s", api.result(1, 0)).isTrue();
            assertThat(api.result(1, 0).content()).doesNotContain("POLICY VIOLATION").contains("Read-only file system");
            assertThat(target).as("the recipe's write to /etc never lands").doesNotExist();
            assertThat(api.result(2, 0).isError()).as("an everyday command with 2>/dev/null works: %s", api.result(2, 0)).isFalse();
            assertThat(api.result(2, 0).content()).contains("tools-ok");
            assertThat(api.result(3, 0).isError()).isTrue();
            assertThat(api.result(3, 0).content()).contains("POLICY VIOLATION").contains("cannot tell what inline python3 code writes");
        }
        assertThat(Path.of("/etc/ccpolicy-e2e-py")).doesNotExist();
        agent.awaitRecorded();
        List<String> trail = Files.readAllLines(state.resolve("audit/events.jsonl"));
        assertThat(trail).as("the agent's trail records what the sandbox stopped")
                .anySatisfy(line -> assertThat(line).contains("\"type\":\"sandbox_violation\"").contains("\"approved-paths\"")
                        .contains("Read-only file system").contains("\"effect\":\"deny\""));
    }

    /**
     * With {@code allowManagedHooksOnly}, a command the engine proves read-only runs outside the OS sandbox (it sees the
     * machine's whole /dev, 106 entries here against the sandbox's 14), a command that runs a program stays in it, and a
     * model asking for an unsandboxed run itself is refused before anything runs.
     */
    @Test
    @Order(5)
    void aCommandProvenReadOnlyRunsOutsideTheSandboxAndNothingElseDoes() throws Exception {
        Path target = Path.of("/etc/ccpolicy-e2e-skip");
        Files.deleteIfExists(target);
        Files.writeString(project.resolve("Makefile"), "all:\n\techo pwned > " + target + "\n");
        edit(agent.health(), "claude_code:\n  allowManagedHooksOnly: true\n");
        try {
            hookAgent("install", "--managed-dir", managedDir.toString(), "--port", String.valueOf(agent.port()), "--policy",
                    policy.toString(), "--state-dir", state.toString());
            String managed = Files.readString(managedDir.resolve("managed-settings.json")).replaceAll("\\s", "");
            assertThat(managed).contains("\"allowUnsandboxedCommands\":true").contains("\"allowManagedHooksOnly\":true");
            Process host = new ProcessBuilder("bash", "-c", "ls /dev | wc -l").redirectErrorStream(true).start();
            String devices = new String(host.getInputStream().readAllBytes()).trim();
            try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                    Turn.calls(new Call("Bash", Map.of("command", "ls /dev | wc -l", "description", "count"))),
                    Turn.calls(new Call("Bash", Map.of("command", "ls /dev | wc -l; make --version > /dev/null", "description", "count"))),
                    Turn.calls(new Call("Bash", Map.of("command", "make", "description", "build", "dangerouslyDisableSandbox", true))),
                    Turn.text("done")), List.of(), 100)) {
                run(api, List.of(), Map.of());
                assertThat(api.result(0, 0).isError()).as("%s", api.result(0, 0)).isFalse();
                assertThat(api.result(0, 0).content().trim()).as("proven read-only: outside the sandbox, the machine's /dev").isEqualTo(devices);
                assertThat(api.result(1, 0).content().trim().lines().findFirst().orElse("")).as("a program: inside the sandbox")
                        .isNotEqualTo(devices);
                assertThat(api.result(2, 0).isError()).isTrue();
                assertThat(api.result(2, 0).content()).contains("may not run outside the OS sandbox");
            }
            assertThat(target).as("the model's own dangerouslyDisableSandbox never runs the recipe").doesNotExist();
            agent.awaitRecorded();
            assertThat(Files.readAllLines(state.resolve("audit/events.jsonl"))).as("the trail records the run outside the sandbox")
                    .anySatisfy(line -> assertThat(line).contains("\"command\":\"ls /dev | wc -l\"")
                            .contains("\"dangerouslyDisableSandbox\":true").contains("\"eventType\":\"PostToolUse\""));
        } finally {
            Files.deleteIfExists(project.resolve("Makefile"));
            edit(agent.health(), "");
            hookAgent("install", "--managed-dir", managedDir.toString(), "--port", String.valueOf(agent.port()), "--policy",
                    policy.toString(), "--state-dir", state.toString());
        }
    }

    /**
     * With the sandbox on, Claude Code sends http hooks through the sandbox's proxy, which applies the policy's
     * web-domain allowlist: before the agent's port was added to it, every hook call was answered 403 and every tool call
     * refused.
     */
    @Test
    @Order(5)
    void aWebDomainAllowlistInTheSandboxStillLetsTheHooksReachTheAgent() throws Exception {
        edit(agent.health(), "  - {name: approved-hosts, type: allowlist, target: webDomain, values: [github.com], severity: error}\n");
        try {
            hookAgent("install", "--managed-dir", managedDir.toString(), "--port", String.valueOf(agent.port()), "--policy",
                    policy.toString(), "--state-dir", state.toString());
            String managed = Files.readString(managedDir.resolve("managed-settings.json")).replaceAll("\\s", "");
            assertThat(managed).contains("\"allowedDomains\":[\"github.com\",\"*.github.com\",\"127.0.0.1:" + agent.port() + "\"]");
            try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                    Turn.calls(new Call("Bash", Map.of("command", "echo sandboxed-and-checked", "description", "x"))),
                    Turn.calls(new Call("Write", Map.of("file_path", "/etc/ccpolicy-e2e-net", "content", "x"))),
                    Turn.text("done")), List.of(), 100)) {
                run(api, List.of(), Map.of());
                assertThat(api.result(0, 0).isError()).as("the hook answered through the sandbox proxy: %s", api.result(0, 0)).isFalse();
                assertThat(api.result(0, 0).content()).contains("sandboxed-and-checked");
                assertThat(api.result(1, 0).content()).as("the agent, not a failed hook, refuses").contains("POLICY VIOLATION");
            }
        } finally {
            edit(agent.health(), "");
            hookAgent("install", "--managed-dir", managedDir.toString(), "--port", String.valueOf(agent.port()), "--policy",
                    policy.toString(), "--state-dir", state.toString());
        }
    }

    @Test
    @Order(6)
    void withTheDaemonStoppedToolsAreBlocked() throws Exception {
        agent.close();
        try (FakeMessagesApi api = new FakeMessagesApi(List.of(
                Turn.calls(new Call("Bash", Map.of("command", "echo hello", "description", "x"))), Turn.text("done")), List.of(), 100)) {
            ClaudeCli.Session session = run(api, List.of(), Map.of());
            // With onFailure: block, the unreachable agent already blocks the prompt: nothing reaches the model, no tool runs.
            assertThat(api.mainRequests()).as("stdout: %s", session.stdout()).isEmpty();
            assertThat(api.results()).isEmpty();
            assertThat(session.stdout()).contains("UserPromptSubmit").containsIgnoringCase("block");
        }
    }

    private static ClaudeCli.Session run(FakeMessagesApi api, List<String> extra, Map<String, String> env) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--allowedTools", ALLOWED_TOOLS));
        if (!systemManaged) {
            args.addAll(List.of("--settings", managedDir.resolve("managed-settings.json").toString()));
        }
        args.addAll(extra);
        ClaudeCli.Session session = claude.run(project, home, api.baseUrl(), args, env);
        assertThat(session.exitCode()).as("claude exited with %d; stderr:%n%s%nstdout:%n%s", session.exitCode(), session.stderr(),
                session.stdout()).isZero();
        return session;
    }

    /** Rewrites the policy with extra policies and waits until the daemon runs the new version. */
    private static void edit(String healthBefore, String extraPolicies) {
        try {
            if (healthBefore == null) {
                throw new IllegalStateException("the agent is not answering; its log:\n" + agent.log());
            }
            Files.writeString(policy, policyYaml(extraPolicies));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String shaBefore = policySha(healthBefore);
            while (shaBefore.equals(policySha(agent.health()))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the agent did not pick up the edited policy; log:\n" + agent.log());
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String policySha(String health) {
        java.util.regex.Matcher sha = java.util.regex.Pattern.compile("\"policySha256\":\"([0-9a-f]+)\"").matcher(health == null ? "" : health);
        return sha.find() ? sha.group(1) : "";
    }

    private static String policyYaml(String extraPolicies) {
        return """
                version: "1.0"
                organization: "E2E Corp"
                policies:
                  - name: approved-paths
                    type: allowlist
                    target: writePath
                    values: ["~/*", "/tmp/claude-*"]
                    severity: error
                    message: "Writing to {{value}} is not permitted."
                  - name: approved-mcp-servers
                    type: allowlist
                    target: mcpServers
                    values: [approved]
                    severity: error
                  - name: no-secrets-in-claude-md
                    type: pattern-deny
                    target: claudeMd
                    pattern: "(sk-[a-zA-Z0-9]{32,}|password\\\\s*[=:])"
                    severity: error
                    message: "Potential secret detected in CLAUDE.md"
                """ + extraPolicies;
    }

    private static Path mcpConfig() throws IOException {
        Path script = root.resolve("mcp-echo.mjs");
        try (var in = ClaudeCodeE2EIT.class.getResourceAsStream("/e2e/mcp-echo.mjs")) {
            Files.write(script, in.readAllBytes());
        }
        String server = "{\"command\":\"node\",\"args\":[\"" + script + "\"]}";
        return Files.writeString(root.resolve("mcp.json"), "{\"mcpServers\":{\"approved\":" + server + ",\"rogue\":" + server + "}}");
    }

    private static String hookAgent(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/hook-agent").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("hook-agent %s: %s", String.join(" ", args), output).isZero();
        return output;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
