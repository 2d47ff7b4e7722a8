package io.ccpolicy.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.sign.Ed25519;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy-as-code commands as a user runs them: arguments in, text and exit code out. */
class PolicyCliTest {

    static final Path CORPUS = Path.of("../policy-engine/src/test/resources/conformance").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return io.ccpolicy.agent.HookAgentMainAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void validateAcceptsTheGuidePolicyAndListsEveryProblemOfABrokenOne() throws IOException {
        assertThat(run("validate", CORPUS.resolve("guide-policy.yaml").toString())).isZero();
        assertThat(out()).contains("valid (Acme Corporation, 4 policies, 2 exceptions");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), """
                version: "1.0"
                organization: Acme
                policies:
                  - name: x
                    type: allowlist
                    target: nowhere
                    severity: error
                """);
        assertThat(run("validate", broken.toString())).isEqualTo(1);
        assertThat(err()).contains(broken + ":6:13: policies[0] (x): unknown target 'nowhere'")
                .contains(broken + ":4:5: policies[0] (x): missing required field 'values' (a list)")
                .contains("2 problem(s); the document was not loaded")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void validateOfAMissingFileSaysSo() {
        assertThat(run("validate", dir.resolve("nope.yaml").toString())).isEqualTo(1);
        assertThat(err()).contains("nope.yaml: no such file");
    }

    @Test
    void testRunsTheWholeConformanceCorpusAndWritesJunitReports() throws IOException {
        List<String> files;
        try (Stream<Path> list = Files.list(CORPUS)) {
            files = list.map(Path::toString).filter(f -> f.endsWith(".yaml") && !f.endsWith("-policy.yaml")).sorted().toList();
        }
        String[] args = Stream.concat(Stream.of("test", "--junit", dir.resolve("reports").toString()), files.stream()).toArray(String[]::new);

        assertThat(run(args)).as(out()).isZero();
        assertThat(out()).containsPattern("\\n7[0-9]{2} passed, 0 failed\\n$");
        try (Stream<Path> reports = Files.list(dir.resolve("reports"))) {
            assertThat(reports).hasSize(files.size());
        }
        assertThat(Files.readString(dir.resolve("reports/TEST-guide.yaml.xml")))
                .contains("<testsuite name=").contains("tests=\"29\" failures=\"0\"")
                .contains("<testcase classname=").contains("name=\"unapproved MCP server is blocked with the box\"");
    }

    @Test
    void aFailingCaseFailsTheRunAndSaysWhy() throws IOException {
        Files.copy(CORPUS.resolve("guide-policy.yaml"), dir.resolve("policy.yaml"));
        Path tests = Files.writeString(dir.resolve("tests.yaml"), """
                policy: policy.yaml
                cases:
                  - name: wrong expectation
                    user: {email: bob@acme.com}
                    event: {hook_event_name: PreToolUse, tool_name: mcp__slack__post, tool_input: {}}
                    expect: {decision: allow}
                  - name: right expectation
                    event: {hook_event_name: PreToolUse, tool_name: mcp__github-mcp__get, tool_input: {}}
                    expect: {decision: allow}
                """);
        assertThat(run("test", tests.toString(), "--junit", dir.resolve("r").toString())).isEqualTo(1);
        assertThat(out()).contains("FAIL " + tests + ":3 wrong expectation")
                .contains("expected decision allow, got deny (approved-mcp-servers: deny - MCP server 'slack' is not on the approved list)")
                .contains("PASS " + tests + ":7 right expectation")
                .endsWith("1 passed, 1 failed\n");
        assertThat(Files.readString(dir.resolve("r/TEST-tests.yaml.xml"))).contains("failures=\"1\"").contains("<failure message=");
    }

    @Test
    void explainShowsEveryPolicyAndTheVerdict() throws IOException {
        Path event = Files.writeString(dir.resolve("event.json"),
                "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"sudo rm -rf /\"},"
                        + "\"cwd\":\"/home/bob/proj\"}");
        assertThat(run("explain", "--policy", CORPUS.resolve("full-policy.yaml").toString(), "--event", event.toString(),
                "--user", "bob@acme.com", "--teams", "payments", "--project", "checkout-service")).isZero();
        assertThat(out()).contains("Event:   PreToolUse Bash (sudo rm -rf /) by bob@acme.com [payments], project checkout-service")
                .containsPattern("dangerous-commands +violated +rm -rf / is on the denylist; error -> deny")
                .containsPattern("approved-mcp-servers +not applicable +target mcpServers does not apply to Bash calls")
                .contains("Verdict: DENY").contains("POLICY VIOLATION");
    }

    @Test
    void explainRefusesAnEventThatIsNotJson() throws IOException {
        Path event = Files.writeString(dir.resolve("event.json"), "{\"hook_event_name\": ");
        assertThat(run("explain", "--policy", CORPUS.resolve("guide-policy.yaml").toString(), "--event", event.toString())).isEqualTo(1);
        assertThat(err()).contains("event.json: not valid JSON at line 1");
    }

    @Test
    void diffShowsChangesAndTheEventsWhoseVerdictChanges() throws IOException {
        Path old = Files.writeString(dir.resolve("old.yaml"), """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: mcp, type: allowlist, target: mcpServers, values: [github, slack], severity: error}
                """);
        Path updated = Files.writeString(dir.resolve("new.yaml"), """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: mcp, type: allowlist, target: mcpServers, values: [github], severity: error}
                  - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: warning}
                """);
        Path events = Files.writeString(dir.resolve("events.jsonl"), String.join("\n",
                "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"mcp__slack__post\",\"tool_input\":{},\"user\":\"bob@acme.com\"}",
                "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"mcp__github__get\",\"tool_input\":{}}",
                "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"rm -rf build\"}}",
                "not json"));
        assertThat(run("diff", old.toString(), updated.toString(), "--events", events.toString())).isEqualTo(1);
        assertThat(out()).contains("+ policy no-rm: denylist on bashCommand, warning, enforce")
                .contains("~ policy mcp: values removed [slack]")
                .contains("events.jsonl:1: PreToolUse mcp__slack__post by bob@acme.com: allow -> deny (mcp)")
                .contains("events.jsonl:3: PreToolUse Bash (rm -rf build) by developer@example.com: allow -> warn (no-rm)")
                .contains("2 of 3 recorded call(s) change verdict; 1 line(s) unreadable");
        assertThat(err()).contains("events.jsonl:4: not valid JSON");
    }

    @Test
    void diffReplaysTheAgentsOwnTrailAndTheAuditExportAsTheAgentDecidedAndNamesEveryLineItCannotRead() throws Exception {
        String old = """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
                """;
        Path updated = Files.writeString(dir.resolve("new.yaml"), """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: approved-paths, type: allowlist, target: writePath, values: ["~/*"], severity: error}
                """);
        Path home = Files.createDirectories(dir.resolve("home"));
        Path agent = Files.createDirectories(dir.resolve("agent"));
        String cwd = home + "/app";
        io.ccpolicy.agent.testing.HookHarness.run(agent, old, io.ccpolicy.engine.model.Identity.of("bob@acme.com", "payments"), java.util.List.of(
                java.util.Map.of("hook_event_name", "SessionStart", "session_id", "s1", "cwd", cwd, "source", "startup"),
                java.util.Map.of("hook_event_name", "PreToolUse", "tool_name", "Bash", "tool_input", java.util.Map.of("command", "rm -rf build"),
                        "session_id", "s1", "cwd", cwd),
                java.util.Map.of("hook_event_name", "PreToolUse", "tool_name", "Write", "tool_input",
                        java.util.Map.of("file_path", agent + "/app/src/a.ts", "content", "x"), "session_id", "s1", "cwd", cwd),
                java.util.Map.of("hook_event_name", "PreToolUse", "tool_name", "Write", "tool_input",
                        java.util.Map.of("file_path", "/etc/hosts", "content", "x"), "session_id", "s1", "cwd", cwd),
                java.util.Map.of("hook_event_name", "PostToolUse", "tool_name", "Write", "tool_input",
                        java.util.Map.of("file_path", "/etc/hosts"), "tool_response", java.util.Map.of(), "session_id", "s1", "cwd", cwd)));
        java.util.List<String> trail = Files.readAllLines(agent.resolve("audit/events.jsonl"));
        Path oldFile = Files.writeString(dir.resolve("old.yaml"), old);

        // the agent's trail as it is: its home is the workspace home (the agent dir here), so a write there stays allowed
        assertThat(run("diff", oldFile.toString(), updated.toString(), "--events", agent.resolve("audit/events.jsonl").toString())).isZero();
        assertThat(out()).as("rm -rf stays denied; the write in the recorded home stays allowed")
                .doesNotContain("events.jsonl:2:").doesNotContain("events.jsonl:3:")
                .contains("events.jsonl:4: PreToolUse Write (/etc/hosts) by bob@acme.com at ").contains(": allow -> deny (approved-paths)")
                .contains("1 of 3 recorded call(s) change verdict; 2 event(s) are not decisions on a call");

        // a query API row, an export line, and lines that are no such thing
        Path mixed = Files.writeString(dir.resolve("export.ndjson"), String.join("\n", "{\"eventId\":\"x\",\"event\":" + trail.get(3) + "}",
                trail.get(3), "{\"user\":\"bob@acme.com\",\"count\":3}", "[1,2]"));
        out.reset();
        assertThat(run("diff", oldFile.toString(), updated.toString(), "--events", mixed.toString())).isEqualTo(1);
        assertThat(out()).contains("export.ndjson:1: PreToolUse Write (/etc/hosts)").contains("export.ndjson:2: PreToolUse Write (/etc/hosts)")
                .contains("2 of 2 recorded call(s) change verdict; 2 line(s) unreadable");
        assertThat(err()).contains("export.ndjson:3: neither a hook payload (no hook_event_name) nor an audit event (")
                .contains("export.ndjson:4: ");
    }

    @Test
    void effectiveConfigRejectsTheUsersUnapprovedServer() throws IOException {
        Path project = Files.createDirectories(dir.resolve("checkout"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.writeString(project.resolve(".mcp.json"), "{\"mcpServers\":{\"github-mcp\":{\"command\":\"gh\"},\"internal-docs-mcp\":{\"command\":\"d\"}}}");
        Files.writeString(home.resolve(".claude.json"), "{\"mcpServers\":{\"github-mcp\":{\"command\":\"gh\"},\"slack\":{\"command\":\"s\"}}}");
        Files.createDirectories(project.resolve(".claude/skills/code-review"));
        Files.writeString(project.resolve(".claude/skills/code-review/SKILL.md"), "# review");

        assertThat(run("effective-config", "--policy", CORPUS.resolve("guide-policy.yaml").toString(), "--project", project.toString(),
                "--home", home.toString(), "--user", "bob@acme.com")).isEqualTo(1);
        assertThat(out()).contains("github-mcp  (project)").contains("internal-docs-mcp  (project)").contains("code-review  (project)")
                .contains("user MCP server 'slack' rejected by approved-mcp-servers: MCP server 'slack' is not on the approved list")
                .doesNotContain("slack  (user)");
    }

    @Test
    void effectiveConfigShowsHowThePolicyMapsIntoTheOsSandbox() throws IOException {
        Path project = Files.createDirectories(dir.resolve("proj"));
        Path home = Files.createDirectories(dir.resolve("home"));
        assertThat(run("effective-config", "--policy", CORPUS.resolve("bash-policy.yaml").toString(), "--project", project.toString(),
                "--home", home.toString(), "--user", "bob@acme.com")).isZero();
        assertThat(out()).contains("OS sandbox: required").contains("filesystem.allowWrite: [/home")
                .contains("write-areas: /tmp/claude-*/** -> ").contains("the glob cannot be expressed in the sandbox")
                .contains("no-secret-reads: ~/.ssh/* -> filesystem.denyRead [~/.ssh]")
                .contains("network.allowedDomains: [github.com, *.github.com,").contains("network.allowManagedDomainsOnly: true");
        assertThat(run("effective-config", "--policy", CORPUS.resolve("guide-policy.yaml").toString(), "--project", project.toString(),
                "--home", home.toString(), "--json")).isZero();
        assertThat(out()).contains("\"osSandbox\"").contains("\"mode\" : \"OFF\"");
    }

    @Test
    void wrongUsageExitsWithTwo() {
        assertThat(run("explain", "--policy")).isEqualTo(2);
        assertThat(err()).contains("option --policy needs a value");
        assertThat(run("diff", "only-one.yaml")).isEqualTo(2);
        assertThat(run("test", "--bogus")).isEqualTo(2);
        assertThat(err()).contains("unknown option --bogus");
    }

    @Test
    void serverSettingsProblemsAreNamedBeforeAnythingStarts() throws IOException {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("secret"), "s3cret");
        Path config = Files.writeString(dir.resolve("agent.yaml"), """
                organization: Acme
                user: {email: dev@acme.com}
                server: {url: "http://127.0.0.1:1", public_key: missing.pub, token_url: "http://127.0.0.1:1/token", client_id: hook-agent,
                         client_secret_file: secret, wait_seconds: 900}
                """);
        assertThat(run("serve", "--config", config.toString(), "--state-dir", state.toString(), "--port", "0")).isEqualTo(1);
        assertThat(err()).contains("server.wait_seconds must be 0 to 300");

        Files.writeString(config, Files.readString(config).replace("wait_seconds: 900", "wait_seconds: 5"));
        assertThat(run("serve", "--config", config.toString(), "--state-dir", state.toString(), "--port", "0", "--server", "policy.acme")).isEqualTo(2);
        assertThat(err()).contains("--server must be the http(s) URL of policy-service, got 'policy.acme'");

        assertThat(run("serve", "--config", config.toString(), "--state-dir", state.toString(), "--port", "0")).isEqualTo(1);
        assertThat(err()).contains("the bundle signing key " + dir.resolve("missing.pub") + " is not usable");

        // While the signing key is rotated, a list: every key in it must be usable.
        Files.writeString(dir.resolve("current.pub"), Ed25519.publicKeyPem(Ed25519.generate().getPublic()));
        Files.writeString(config, Files.readString(config).replace("public_key: missing.pub", "public_key: [current.pub, next.pub]"));
        assertThat(run("serve", "--config", config.toString(), "--state-dir", state.toString(), "--port", "0")).isEqualTo(1);
        assertThat(err()).contains("the bundle signing key " + dir.resolve("next.pub") + " is not usable");

        Files.writeString(config, Files.readString(config).replace("public_key: [current.pub, next.pub]", "public_key: {file: current.pub}"));
        assertThat(run("serve", "--config", config.toString(), "--state-dir", state.toString(), "--port", "0")).isEqualTo(1);
        assertThat(err()).contains("server.public_key must name the bundle signing key's PEM file (or a list of them while the key is rotated)");
    }
}
