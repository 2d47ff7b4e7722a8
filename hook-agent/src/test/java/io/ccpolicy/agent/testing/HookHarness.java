package io.ccpolicy.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.cli.Json;
import io.ccpolicy.agent.daemon.AgentConfig;
import io.ccpolicy.agent.daemon.AgentLog;
import io.ccpolicy.agent.daemon.AuditLog;
import io.ccpolicy.agent.daemon.HookService;
import io.ccpolicy.agent.daemon.PolicyHolder;
import io.ccpolicy.agent.daemon.Workspace;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.audit.SchemaCheck;
import io.ccpolicy.engine.model.Identity;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A daemon under a policy file in a temp dir: the hook payloads in, Claude Code's answers and the recorded events out. */
public final class HookHarness {

    /** The answer to each payload, in order, and every event recorded (each checked against the schema). */
    public record Run(List<Map<String, Object>> answers, List<AuditEvent> events) {
    }

    private HookHarness() {
    }

    public static Run run(Path dir, String policy, Identity who, List<Map<String, Object>> payloads) throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), policy);
        AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));
        PolicyHolder holder = new PolicyHolder(dir.resolve("policy.yaml"), Clock.systemUTC(), log, p -> { });
        holder.loadInitial();
        List<Map<String, Object>> answers = new ArrayList<>();
        try (AuditLog trail = new AuditLog(dir)) {
            HookService service = new HookService(holder, new AgentConfig("Acme", who, "m-1"), new Workspace(dir.toString()), trail, log,
                    Clock.systemUTC());
            for (Map<String, Object> payload : payloads) {
                HookServer.Response response = service.handle(new HookServer.Request("POST", "/hooks/" + payload.get("hook_event_name"),
                        Map.of(), Json.compact(payload).getBytes(StandardCharsets.UTF_8), false));
                answers.add(Json.object(new String(response.body(), StandardCharsets.UTF_8), new String[1]).orElseThrow());
            }
        }
        Path file = dir.resolve("audit/events.jsonl");
        if (!Files.exists(file)) {
            return new Run(answers, List.of());
        }
        Map<String, Object> schema = SchemaCheck.auditEventSchema();
        return new Run(answers, Files.readAllLines(file).stream().map(line -> {
            Map<String, Object> map = Json.object(line, new String[1]).orElseThrow();
            assertThat(SchemaCheck.problems(schema, map)).as(line).isEmpty();
            return AuditEvent.fromMap(map);
        }).toList());
    }
}
