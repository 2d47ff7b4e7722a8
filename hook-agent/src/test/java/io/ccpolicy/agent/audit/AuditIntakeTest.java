package io.ccpolicy.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.hook.HookService;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.model.Identity;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent answers before it audits, and no crash in between loses a call: every payload is journaled before its answer
 * leaves, and a restart records what the crash left, exactly once, as it was received.
 */
class AuditIntakeTest {

    private static final String POST_TOOL_USE = Json.compact(Map.of("hook_event_name", "PostToolUse", "tool_name", "Bash", "session_id",
            "s1", "cwd", "/tmp", "tool_input", Map.of("command", "ls -la"), "tool_response", Map.of("stdout", "ok")));

    @TempDir
    Path dir;
    private PolicyHolder policy;
    private final AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));

    @BeforeEach
    void policy() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), "version: \"1.0\"\norganization: Acme\npolicies:\n"
                + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n");
        policy = new PolicyHolder(file, Clock.systemUTC(), log, p -> { });
        policy.loadInitial();
    }

    private HookService service(AuditSpool audit) {
        return new HookService(policy, new AgentConfig("Acme", Identity.of("bob@acme.com"), "m-1"), new Workspace(dir.toString()), audit, log,
                Clock.systemUTC());
    }

    /** A PostToolUse answered, its follow-up (the audit) not yet run. */
    private static HookServer.Response postToolUse(HookService service) {
        return service.answerFirst(new HookServer.Request("POST", "/hooks/PostToolUse", Map.of(), POST_TOOL_USE.getBytes(StandardCharsets.UTF_8),
                false));
    }

    /** A new daemon over the same state: how many interrupted calls it recorded. */
    private int restart() throws Exception {
        try (AuditSpool audit = new AuditSpool(dir)) {
            return service(audit).recoverInterrupted();
        }
    }

    private List<String> trail() throws Exception {
        return Files.readAllLines(dir.resolve("audit/events.jsonl"));
    }

    @Test
    void theAnswerLeavesBeforeTheAuditAndTheCallIsJournaledUntilRecorded() throws Exception {
        try (AuditSpool audit = new AuditSpool(dir)) {
            HookService service = service(audit);
            HookServer.Response answer = postToolUse(service);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
            assertThat(answer.after()).as("the audit is left for after the answer").isNotNull();
            assertThat(trail()).isEmpty();
            assertThat(Files.readString(dir.resolve("audit/intake.jsonl"))).as("journaled before the answer").contains("ls -la");
            answer.after().run();
            assertThat(trail()).singleElement().satisfies(line -> assertThat(line).contains("\"eventType\":\"PostToolUse\""));
            assertThat(service.awaitRecorded(0)).as("no call left open").isTrue();
        }
    }

    @Test
    void aCrashBetweenTheAnswerAndTheAuditIsRecordedAtTheNextStartOnceAsReceived() throws Exception {
        String eventId;
        Instant received;
        try (AuditSpool audit = new AuditSpool(dir)) {
            HookServer.Response answer = postToolUse(service(audit));
            assertThat(answer.after()).isNotNull(); // the crash: the answer left, the audit never ran
            Map<String, Object> journaled = Json.object(Files.readAllLines(dir.resolve("audit/intake.jsonl")).get(0), new String[1]).orElseThrow();
            eventId = (String) journaled.get("eventId");
            received = Instant.parse((String) journaled.get("receivedAt"));
        }
        assertThat(restart()).isEqualTo(1);
        assertThat(trail()).singleElement().satisfies(line -> assertThat(line).contains("\"eventId\":\"" + eventId + "\"")
                .contains("\"timestamp\":\"" + received + "\"").contains("\"eventType\":\"PostToolUse\""));
        assertThat(restart()).as("a second start records nothing again").isZero();
        assertThat(trail()).hasSize(1);
    }

    @Test
    void aCallAlreadyInTheSpoolIsNotRecordedTwiceAndATornJournalLineIsLeftOut() throws Exception {
        try (AuditSpool audit = new AuditSpool(dir)) {
            HookService service = service(audit);
            HookServer.Response answer = postToolUse(service);
            String journal = Files.readString(dir.resolve("audit/intake.jsonl"));
            answer.after().run(); // recorded, then the crash came before the journal was emptied
            Files.writeString(dir.resolve("audit/intake.jsonl"), journal + "{\"eventId\":\"evt_cut-off-by-the-cr");
        }
        assertThat(restart()).isZero();
        assertThat(trail()).hasSize(1);
    }

    /** A call the engine throws on is refused, recorded as the agent's error, and does not stay open in the journal. */
    @Test
    void aCallTheAgentCannotEvaluateIsRefusedRecordedAndClosed() throws Exception {
        String payload = Json.compact(Map.of("hook_event_name", "PreToolUse", "tool_name", "Bash", "session_id", "s1",
                "cwd", "/tmp/a\u0000b", "tool_input", Map.of("command", "ls")));
        try (AuditSpool audit = new AuditSpool(dir)) {
            HookService service = service(audit);
            HookServer.Response answer = service.handle(new HookServer.Request("POST", "/hooks/PreToolUse", Map.of(),
                    payload.getBytes(StandardCharsets.UTF_8), false));
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("\"permissionDecision\":\"deny\"")
                    .contains("could not evaluate this call");
            assertThat(service.awaitRecorded(0)).as("the journaled call is closed").isTrue();
        }
        assertThat(trail()).singleElement().satisfies(line -> assertThat(line).contains("\"agent_error\"")
                .contains("could not evaluate this call"));
    }

    @Test
    void aJournalThisAgentDidNotWriteStopsNothing() throws Exception {
        try (AuditSpool audit = new AuditSpool(dir)) {
            service(audit);
        }
        Files.writeString(dir.resolve("audit/intake.jsonl"), "{\"eventId\":\"evt_x\",\"receivedAt\":\"yesterday\",\"event\":\"Stop\","
                + "\"spoolAt\":0,\"bytes\":2}\n{}\n\u0000\u0000garbage\n");
        assertThat(restart()).isZero();
        assertThat(trail()).isEmpty();
    }

    @Test
    void theSpoolIsNotCompactedWhileTheJournalHoldsCallsItMayHold() throws Exception {
        try (AuditSpool audit = new AuditSpool(dir)) {
            HookService service = service(audit);
            HookServer.Response first = postToolUse(service);
            first.after().run();
            HookServer.Response second = postToolUse(service);
            assertThat(audit.compact(audit.size())).as("a call is still open").isFalse();
            second.after().run();
            assertThat(audit.compact(audit.size())).isTrue();
            assertThat(Files.size(dir.resolve("audit/intake.jsonl"))).as("emptied before the spool it was checked against").isZero();
        }
    }

    @Test
    void theJournalIsReadableByItsOwnerOnly() throws Exception {
        try (AuditSpool audit = new AuditSpool(dir)) {
            service(audit);
        }
        Path journal = dir.resolve("audit/intake.jsonl");
        if (Files.getFileStore(journal).supportsFileAttributeView("posix")) {
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(journal))).isEqualTo("rw-------");
        }
    }
}
