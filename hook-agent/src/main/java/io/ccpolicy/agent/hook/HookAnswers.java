package io.ccpolicy.agent.hook;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.Decision;
import java.util.Map;

/**
 * Claude Code's answer shapes, per hook event, in one place: what blocks a call, holds it for the user, warns about it
 * or adds context (see the notes' claude-code-surface.md for the fields each event reads).
 */
final class HookAnswers {

    private HookAnswers() {
    }

    /** The answer to an evaluated call: deny or ask blocks or holds it, warn shows the message, allow says nothing. */
    static Map<String, Object> decided(String event, Decision decision) {
        String message = decision.message();
        return switch (decision.verdict()) {
            case DENY -> refusing(event, message);
            case ASK -> switch (event) {
                case "PreToolUse" -> preToolUse("ask", message);
                // a permission dialog is itself the user's approval; a prompt cannot be held, so it is blocked
                case "PermissionRequest" -> Map.of("systemMessage", message);
                default -> refusing(event, message);
            };
            case WARN -> event.equals("PermissionRequest") ? Map.of("systemMessage", message) : context(event, message);
            case ALLOW -> Map.of();
        };
    }

    /** Blocks what the event can block (the tool call, the permission, the prompt) with {@code reason}; other events get no decision. */
    static HookServer.Response refusal(String event, String reason) {
        return ok(refusing(event, reason));
    }

    /** Text shown to the user and given to the model as context. */
    static Map<String, Object> context(String event, String text) {
        return Map.of("systemMessage", text, "hookSpecificOutput", Map.of("hookEventName", event, "additionalContext", text));
    }

    static HookServer.Response ok(Map<String, Object> body) {
        return HookServer.Response.json(200, Json.compact(body));
    }

    private static Map<String, Object> refusing(String event, String reason) {
        return switch (event) {
            case "PreToolUse" -> preToolUse("deny", reason);
            case "PermissionRequest" -> Map.of("hookSpecificOutput", Map.of("hookEventName", "PermissionRequest",
                    "decision", Map.of("behavior", "deny", "message", reason)));
            case "UserPromptSubmit", "" -> Map.of("decision", "block", "reason", reason);
            default -> Map.of();
        };
    }

    private static Map<String, Object> preToolUse(String permissionDecision, String reason) {
        return Map.of("hookSpecificOutput", Map.of("hookEventName", "PreToolUse", "permissionDecision", permissionDecision,
                "permissionDecisionReason", reason));
    }
}
