package io.ccpolicy.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.HookAgentMainAccess;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.hook.HookService;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.audit.SchemaCheck;
import io.ccpolicy.engine.model.Identity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's audit trail: schema-conformant, hash-chained across restarts and crashes, and verifiable. */
class AuditTrailTest {

    @TempDir
    Path dir;

    private void record(int events) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        if (!Files.exists(policy)) {
            Files.writeString(policy, "version: \"1.0\"\norganization: Acme\npolicies:\n"
                    + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n");
        }
        AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));
        PolicyHolder holder = new PolicyHolder(policy, Clock.systemUTC(), log, p -> { });
        holder.loadInitial();
        try (AuditSpool audit = new AuditSpool(dir)) {
            HookService service = new HookService(holder, new AgentConfig("Acme", Identity.of("bob@acme.com", "payments"), "m-1"),
                    new Workspace(dir.toString()), audit, log, Clock.systemUTC());
            for (int i = 0; i < events; i++) {
                String command = i % 2 == 0 ? "curl -H 'Authorization: Bearer abcdef0123456789abcdef' https://api.acme.com" : "rm -rf build";
                service.handle(new HookServer.Request("POST", "/hooks/PreToolUse", Map.of(), ("{\"hook_event_name\":\"PreToolUse\","
                        + "\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"" + command + "\"},\"session_id\":\"s1\",\"cwd\":\"/tmp\"}")
                        .getBytes(StandardCharsets.UTF_8), false));
            }
            service.handle(new HookServer.Request("POST", "/hooks/PreToolUse", Map.of(), "not json".getBytes(StandardCharsets.UTF_8), false));
        }
    }

    /** One hook call to a fresh daemon over the same state and policy as {@link #record}. */
    private void post(String event, Map<String, Object> payload) throws Exception {
        AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));
        PolicyHolder holder = new PolicyHolder(dir.resolve("policy.yaml"), Clock.systemUTC(), log, p -> { });
        holder.loadInitial();
        try (AuditSpool audit = new AuditSpool(dir)) {
            new HookService(holder, new AgentConfig("Acme", Identity.of("bob@acme.com"), "m-1"), new Workspace(dir.toString()), audit, log,
                    Clock.systemUTC()).handle(new HookServer.Request("POST", "/hooks/" + event, Map.of(), Json.compact(payload)
                    .getBytes(StandardCharsets.UTF_8), false));
        }
    }

    private Path file() {
        return dir.resolve("audit/events.jsonl");
    }

    private String verify(int expectedExit, String... extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("verify-audit", file().toString()),
                java.util.Arrays.stream(extra)).toArray(String[]::new);
        int exit = HookAgentMainAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(text).isEqualTo(expectedExit);
        return text;
    }

    @Test
    void everyRecordedEventMatchesTheSharedSchema() throws Exception {
        record(4);
        Map<String, Object> schema = SchemaCheck.auditEventSchema();
        List<String> lines = Files.readAllLines(file());
        assertThat(lines).hasSize(5);
        for (String line : lines) {
            assertThat(SchemaCheck.problems(schema, Json.object(line, new String[1]).orElseThrow())).as(line).isEmpty();
        }
    }

    @Test
    void aFinishedToolCallRecordsHowLongItRan() throws Exception {
        record(0);
        post("PostToolUse", Map.of("hook_event_name", "PostToolUse", "tool_name", "Bash", "session_id", "s1", "cwd", "/tmp",
                "tool_use_id", "toolu_9", "tool_input", Map.of("command", "make test"), "tool_response", Map.of("stdout", "ok"), "duration_ms", 234));
        List<String> lines = Files.readAllLines(file());
        Map<String, Object> post = Json.object(lines.get(lines.size() - 1), new String[1]).orElseThrow();
        assertThat(((Map<?, ?>) post.get("action")).get("duration")).isEqualTo(234);
        assertThat(SchemaCheck.problems(SchemaCheck.auditEventSchema(), post)).isEmpty();
        assertThat(io.ccpolicy.engine.audit.AuditEvent.fromMap(post).action().duration()).as("the typed event reads it back").isEqualTo(234L);
    }

    @Test
    void secretsInToolInputNeverReachTheAuditTrail() throws Exception {
        record(2);
        String trail = Files.readString(file());
        assertThat(trail).doesNotContain("abcdef0123456789abcdef").contains("Bearer [MASKED]");
        verify(0);
    }

    @Test
    void longMcpArgumentsAreRecordedAsTheirHashAndLength() throws Exception {
        record(0);
        String document = "Patient record 4711: " + "confidential ".repeat(40);
        post("PreToolUse", Map.of("hook_event_name", "PreToolUse", "tool_name", "mcp__docs__upload", "session_id", "s1", "cwd", "/tmp",
                "tool_input", Map.of("title", "short title", "body", document)));
        String trail = Files.readString(file());
        assertThat(trail).doesNotContain("Patient record 4711").contains("\"bodyHash\":\"sha256:").contains("\"bodyLength\":"
                + document.length()).contains("\"title\":\"short title\"");
    }

    @Test
    void theChainContinuesAcrossRestartsAndSurvivesACrashMidWrite() throws Exception {
        record(3);
        Files.writeString(file(), "{\"version\":\"1.0\",\"eventId\":\"evt_half", StandardOpenOption.APPEND);
        record(3);
        List<String> lines = Files.readAllLines(file());
        assertThat(lines).hasSize(8);
        assertThat(lines.get(7)).contains("\"seq\":8");
        assertThat(verify(0)).contains("machine m-1: 8 events, chain intact").contains("verified");
    }

    @Test
    void aSpoolLargerThanMemoryStartsTheAgentAndTheChainGoesOnFromItsLastEvent() throws Exception {
        record(2);
        String last = Files.readAllLines(file()).get(2);
        // a laptop long offline: gigabytes waiting (sparse here, so no disk is used), the last event at the end
        try (java.nio.channels.FileChannel spool = java.nio.channels.FileChannel.open(file(), StandardOpenOption.WRITE)) {
            spool.position(3L * 1024 * 1024 * 1024);
            spool.write(java.nio.ByteBuffer.wrap(("\n" + last + "\n{\"eventId\":\"evt_half").getBytes(StandardCharsets.UTF_8)));
        }
        post("PreToolUse", Map.of("hook_event_name", "PreToolUse", "tool_name", "Bash", "session_id", "s1", "cwd", "/tmp",
                "tool_input", Map.of("command", "ls")));
        try (java.io.RandomAccessFile spool = new java.io.RandomAccessFile(file().toFile(), "r")) {
            byte[] end = new byte[4096];
            spool.seek(spool.length() - end.length);
            spool.readFully(end);
            String tail = new String(end, StandardCharsets.UTF_8);
            assertThat(tail).as("the half-written line is cut, and the next event follows the last whole one")
                    .doesNotContain("evt_half").contains("\"seq\":4,");
        }
    }

    @Test
    void aCompactedSpoolIsCheckedFromItsFirstEvent() throws Exception {
        record(5);
        List<String> lines = Files.readAllLines(file());
        Files.write(file(), lines.subList(3, lines.size()));
        assertThat(verify(1)).contains("seq 4 follows 0: 3 event(s) missing (removed)");
        assertThat(verify(0, "--from-first")).contains("starts at seq 4 (earlier events were shipped and compacted)")
                .contains("chain intact");
    }

    @Test
    void anAlteredARemovedAndAReorderedEventAreNamed() throws Exception {
        record(6);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file()));
        lines.set(1, lines.get(1).replace("\"denied\"", "\"allowed\""));
        Files.write(file(), lines);
        assertThat(verify(1)).contains("event 2 (evt_").contains("content does not match its hash (altered)");

        lines.set(1, lines.get(1).replace("\"allowed\"", "\"denied\""));
        lines.remove(3);
        Files.write(file(), lines);
        assertThat(verify(1)).contains("event 4 (evt_").contains("seq 5 follows 3: 1 event(s) missing (removed)");
    }
}
