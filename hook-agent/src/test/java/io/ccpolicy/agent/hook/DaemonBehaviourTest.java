package io.ccpolicy.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.model.Identity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon over real HTTP: fail-closed answers to bad input, the audit trail, and live policy reload. */
class DaemonBehaviourTest {

    private static final String POLICY = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
            """;

    @TempDir
    Path dir;

    private HookServer server;
    private HookService service;
    private PolicyHolder policy;
    private AuditSpool audit;
    private Path policyFile;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        policyFile = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        AgentLog log = new AgentLog(new PrintStream(logged, true, StandardCharsets.UTF_8));
        policy = new PolicyHolder(policyFile, Clock.systemUTC(), log, problems -> { });
        policy.loadInitial();
        audit = new AuditSpool(dir);
        service = new HookService(policy, new AgentConfig("Acme", Identity.of("bob@acme.com", "payments"), "m-1"),
                new Workspace(dir.toString()), audit, log, Clock.systemUTC());
        server = new HookServer(0, 64 * 1024, 8, service);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        audit.close();
    }

    private HttpResponse<String> post(String event, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/" + event))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unreadablePayloadsAreDeniedForDecisionEventsAndAudited() throws Exception {
        assertThat(post("PreToolUse", "{\"hook_event_name\": \"PreToolUse\", ").body())
                .contains("\"permissionDecision\":\"deny\"").contains("not readable JSON");
        assertThat(post("PermissionRequest", "[1,2]").body()).contains("\"behavior\":\"deny\"");
        assertThat(post("UserPromptSubmit", "{\"hook_event_name\":\"UserPromptSubmit\"}").body())
                .contains("\"decision\":\"block\"").contains("lacks prompt");
        assertThat(post("PreToolUse", "{\"hook_event_name\":\"PreToolUse\",\"tool_input\":{}}").body())
                .contains("\"permissionDecision\":\"deny\"").contains("lacks tool_name");
        assertThat(post("PreToolUse", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\""
                + "x".repeat(70 * 1024) + "\"}}").body()).contains("\"permissionDecision\":\"deny\"").contains("larger than the agent accepts");
        assertThat(post("PostToolUse", "garbage").body()).isEqualTo("{}");
        assertThat(post("PreToolUse", "{\"hook_event_name\":\"Stop\"}").body()).contains("\"permissionDecision\":\"deny\"")
                .contains("says Stop but was sent for PreToolUse");
        assertThat(post("FancyNewEvent", "{\"hook_event_name\":\"FancyNewEvent\"}").body()).isEqualTo("{}");
        assertThat(service.awaitRecorded(5_000)).isTrue();
        assertThat(Files.readAllLines(audit.file())).hasSize(8).allSatisfy(line -> assertThat(line).contains("\"agent_error\""));
    }

    @Test
    void allowCarriesNoPermissionDecisionAndDenyCarriesTheBox() throws Exception {
        assertThat(post("PreToolUse", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}").body())
                .isEqualTo("{}");
        assertThat(post("PreToolUse", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"rm -rf x\"}}")
                .body()).contains("\"permissionDecision\":\"deny\"").contains("POLICY VIOLATION").contains("Policy: no-rm");
        assertThat(service.awaitRecorded(5_000)).as("the calls answered are recorded").isTrue();
        assertThat(Files.readString(audit.file())).contains("\"result\":\"allowed\"").contains("\"result\":\"denied\"")
                .contains("\"policies\":[\"no-rm\"]");
    }

    @Test
    void aPolicyEditTakesEffectAndABrokenEditIsRefused() throws Exception {
        String rm = "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"curl x\"}}";
        assertThat(post("PreToolUse", rm).body()).isEqualTo("{}");

        Files.writeString(policyFile, POLICY + "  - {name: no-curl, type: denylist, target: bashCommand, values: [curl], severity: error}\n");
        Files.setLastModifiedTime(policyFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
        await().atMost(Duration.ofSeconds(5)).until(policy::reloadIfChanged);
        assertThat(post("PreToolUse", rm).body()).contains("Policy: no-curl");

        Files.writeString(policyFile, "version: \"1.0\"\norganization: Acme\npolicies:\n  - {name: broken, type: nonsense}\n");
        Files.setLastModifiedTime(policyFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 4000));
        assertThat(policy.reloadIfChanged()).isFalse();
        assertThat(logged.toString(StandardCharsets.UTF_8)).contains("policy edit refused, the previous version stays active")
                .contains("unknown type 'nonsense'");
        assertThat(post("PreToolUse", rm).body()).as("the previous version still decides").contains("Policy: no-curl");
    }

    @Test
    void aFullAuditSpoolRefusesActionsWithAClearReasonAndRaisesTheAlarm() throws Exception {
        AgentLog log = new AgentLog(new PrintStream(logged, true, StandardCharsets.UTF_8));
        AgentConfig tight = new AgentConfig("Acme", Identity.of("bob@acme.com"), "m-1",
                new AgentConfig.AuditShipping(java.util.Map.of("bootstrap.servers", "127.0.0.1:1"), "audit.events.v1", 2_000));
        try (AuditSpool spool = new AuditSpool(dir.resolve("tight"))) {
            spool.startShipping(); // Kafka has acknowledged nothing
            HookService service = new HookService(policy, tight, new Workspace(dir.toString()), spool, log, Clock.systemUTC());
            String ls = "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}";
            HookServer.Request request = new HookServer.Request("POST", "/hooks/PreToolUse", java.util.Map.of(),
                    ls.getBytes(StandardCharsets.UTF_8), false);
            String last = "";
            for (int i = 0; i < 10 && !last.contains("deny"); i++) {
                last = new String(service.handle(request).body(), StandardCharsets.UTF_8);
            }
            assertThat(last).contains("\"permissionDecision\":\"deny\"").contains("audit spool is full");
            String health = new String(service.handle(new HookServer.Request("GET", "/health", java.util.Map.of(), new byte[0], false)).body(),
                    StandardCharsets.UTF_8);
            assertThat(health).contains("\"auditSpoolFull\":true").contains("\"status\":\"DEGRADED\"");
        }
    }

    @Test
    void anApiMessageIsCountedOnceAndSubagentsCountForTheirSession() throws Exception {
        TranscriptMeter meter = new TranscriptMeter();
        Path transcript = dir.resolve("session-1.jsonl");
        // As Claude Code writes one API message of 1,000 input and 500 output tokens: a line per content block.
        String usage = "\"usage\":{\"input_tokens\":1000,\"output_tokens\":500,\"cache_creation_input_tokens\":200,\"cache_read_input_tokens\":300}";
        Files.writeString(transcript, "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_1\",\"content\":[{\"type\":\"text\"}]," + usage + "}}\n"
                + "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_1\",\"content\":[{\"type\":\"tool_use\"}]," + usage + "}}\n");
        io.ccpolicy.engine.SessionState session = meter.session(transcript.toString());
        assertThat(session.tokens()).as("one message, not two").isEqualTo(2000);
        assertThat(session.tokens(List.of("input", "output"))).isEqualTo(1500);
        assertThat(session.tokens(List.of("output"))).isEqualTo(500);

        Path subagents = Files.createDirectories(dir.resolve("session-1/subagents"));
        Files.writeString(subagents.resolve("agent-a1.jsonl"), "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_2\",\"usage\":"
                + "{\"input_tokens\":70,\"output_tokens\":30}}}\n");
        assertThat(meter.session(transcript.toString()).tokens()).as("work delegated to a subagent counts").isEqualTo(2100);
        assertThat(meter.session(transcript.toString()).tokens()).as("read once").isEqualTo(2100);
    }

    @Test
    void tokenBudgetsAreReadIncrementallyFromTheTranscript() throws Exception {
        TranscriptMeter meter = new TranscriptMeter();
        Path transcript = dir.resolve("t.jsonl");
        Files.writeString(transcript, "{\"type\":\"user\"}\n{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":100,\"output_tokens\":20}}}\n");
        assertThat(meter.session(transcript.toString()).tokens()).isEqualTo(120);
        Files.writeString(transcript, "{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":5,\"output_tokens\":5,"
                + "\"cache_read_input_tokens\":10}}}\n{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":99",
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(meter.session(transcript.toString()).tokens()).as("the partial last line waits").isEqualTo(140);
        assertThat(meter.session(dir.resolve("missing.jsonl").toString()).tokens()).isZero();
    }
}
