package io.ccpolicy.agent.daemon;

import io.ccpolicy.agent.cli.Json;
import io.ccpolicy.agent.server.HookServer;
import java.util.Map;

/** Claude Code's answer shapes for a refused call, per event, in one place. */
final class HookAnswers {

    private HookAnswers() {
    }

    /** Blocks what the event can block (the tool call, the permission, the prompt) with {@code reason}; other events get no decision. */
    static HookServer.Response refusal(String event, String reason) {
        return switch (event) {
            case "PreToolUse" -> ok(Map.of("hookSpecificOutput", Map.of("hookEventName", "PreToolUse", "permissionDecision", "deny",
                    "permissionDecisionReason", reason)));
            case "PermissionRequest" -> ok(Map.of("hookSpecificOutput", Map.of("hookEventName", "PermissionRequest",
                    "decision", Map.of("behavior", "deny", "message", reason))));
            case "UserPromptSubmit", "" -> ok(Map.of("decision", "block", "reason", reason));
            default -> ok(Map.of());
        };
    }

    static HookServer.Response ok(Map<String, Object> body) {
        return HookServer.Response.json(200, Json.compact(body));
    }
}
