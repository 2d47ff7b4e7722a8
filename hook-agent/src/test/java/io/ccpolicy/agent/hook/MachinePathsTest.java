package io.ccpolicy.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.model.Identity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host-side truth over real HTTP: the daemon judges a path by where its symbolic links really lead, and audits what
 * Claude Code's OS sandbox stopped in a Bash call as a sandbox_violation naming the policy it enforced.
 */
class MachinePathsTest {

    @TempDir
    Path dir;

    private HookServer server;
    private HookService service;
    private AuditSpool audit;
    private Path home;
    private Path project;
    private Path outside;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        home = Files.createDirectories(dir.resolve("home/bob"));
        project = Files.createDirectories(home.resolve("proj"));
        outside = Files.createDirectories(dir.resolve("system"));
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_rsa"), "key");
        Files.createSymbolicLink(project.resolve("sys"), outside);
        Files.createSymbolicLink(project.resolve("key"), home.resolve(".ssh/id_rsa"));
        Path policyFile = Files.writeString(dir.resolve("policy.yaml"), """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: write-areas, type: allowlist, target: writePath, values: ["%s/**"], severity: error}
                  - {name: secrets, type: denylist, target: readPath, values: ["~/.ssh/*"], severity: error}
                """.formatted(home));
        AgentLog log = new AgentLog(new PrintStream(new ByteArrayOutputStream(), true));
        PolicyHolder policy = new PolicyHolder(policyFile, Clock.systemUTC(), log, problems -> { });
        policy.loadInitial();
        audit = new AuditSpool(dir.resolve("state"));
        service = new HookService(policy, new AgentConfig("Acme", Identity.of("bob@acme.com"), "m-1"), new Workspace(home.toString()),
                audit, log, Clock.systemUTC());
        server = new HookServer(0, 64 * 1024, 8, service);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        audit.close();
    }

    private String post(String event, Map<String, Object> payload) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/" + event))
                .POST(HttpRequest.BodyPublishers.ofString(Json.compact(payload))).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String pre(String tool, Map<String, Object> input) throws Exception {
        return post("PreToolUse", Map.of("hook_event_name", "PreToolUse", "tool_name", tool, "tool_input", input, "cwd", project.toString(),
                "session_id", "s"));
    }

    @Test
    void aLinkInTheProjectIsJudgedByWhereItLeads() throws Exception {
        assertThat(pre("Write", Map.of("file_path", project.resolve("notes.txt").toString(), "content", "x"))).isEqualTo("{}");
        assertThat(pre("Write", Map.of("file_path", project.resolve("sys/hosts").toString(), "content", "x")))
                .contains("\"permissionDecision\":\"deny\"").contains(outside.resolve("hosts").toString());
        assertThat(pre("Bash", Map.of("command", "echo x > sys/new-file"))).contains("\"permissionDecision\":\"deny\"");
        assertThat(pre("Bash", Map.of("command", "cat key"))).contains("\"permissionDecision\":\"deny\"").contains("Policy: secrets");
        assertThat(pre("Read", Map.of("file_path", project.resolve("key").toString()))).contains("\"permissionDecision\":\"deny\"");
    }

    @Test
    void whatTheSandboxStoppedIsAuditedAsASandboxViolation() throws Exception {
        post("PostToolUseFailure", Map.of("hook_event_name", "PostToolUseFailure", "tool_name", "Bash", "cwd", project.toString(),
                "session_id", "s", "tool_input", Map.of("command", "make"), "error",
                "Exit code 2\necho pwned > /etc/x\n/bin/sh: 1: cannot create /etc/x: Read-only file system\nmake: *** [Makefile:2: all] Error 2"));
        post("PostToolUse", Map.of("hook_event_name", "PostToolUse", "tool_name", "Bash", "cwd", project.toString(), "session_id", "s",
                "tool_input", Map.of("command", "npm test"), "tool_response", Map.of("stdout", "ok", "stderr", "")));
        assertThat(service.awaitRecorded(5_000)).as("the calls answered are recorded").isTrue();
        String trail = Files.readString(audit.file());
        assertThat(trail.lines().filter(l -> l.contains("\"sandbox_violation\""))).singleElement().satisfies(line -> assertThat(line)
                .contains("\"policies\":[\"write-areas\"]").contains("cannot create /etc/x: Read-only file system")
                .contains("\"result\":\"blocked_by_sandbox\"").contains("\"effect\":\"deny\""));
    }
}
