package io.ccpolicy.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.hook.HookService;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.PolicyHolder;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A daemon under a policy file in a temp dir: the hook payloads in, Claude Code's answers and the recorded events out. */
public final class HookHarness {

    /** The answer to each payload, in order, and every event recorded (each checked against the schema). */
    public record Run(List<Map<String, Object>> answers, List<AuditEvent> events) {
    }

    private HookHarness() {
    }

    /** A hook payload for a tool event (session s1 in /work/app); {@code extra}: more fields, name then value. */
    public static Map<String, Object> tool(String event, String tool, Map<String, Object> input, Object... extra) {
        Map<String, Object> payload = new LinkedHashMap<>(Map.of("hook_event_name", event, "tool_name", tool, "tool_input", input,
                "session_id", "s1", "cwd", "/work/app", "tool_use_id", "toolu_" + input.hashCode()));
        for (int i = 0; i < extra.length; i += 2) {
            payload.put((String) extra[i], extra[i + 1]);
        }
        return payload;
    }

    public static Run run(Path dir, String policy, Identity who, List<Map<String, Object>> payloads) throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), policy);
        AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));
        PolicyHolder holder = new PolicyHolder(dir.resolve("policy.yaml"), Clock.systemUTC(), log, p -> { });
        holder.loadInitial();
        List<Map<String, Object>> answers = new ArrayList<>();
        try (AuditSpool trail = new AuditSpool(dir)) {
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
