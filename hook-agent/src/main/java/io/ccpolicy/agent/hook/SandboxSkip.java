package io.ccpolicy.agent.hook;

import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.settings.UnsandboxedRun;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Bash command the engine proves read-only runs outside Claude Code's OS sandbox: the PreToolUse answer rewrites it
 * ({@link UnsandboxedRun}) with {@code dangerouslyDisableSandbox}, and the permission request Claude Code then makes is
 * answered by the agent alone. Later events carry the rewritten command; they are read as the command the model proposed.
 */
final class SandboxSkip {

    static final String FLAG = "dangerouslyDisableSandbox";

    private SandboxSkip() {
    }

    /** Whether the call asks to run outside the sandbox. */
    static boolean asked(HookEvent event) {
        return event.toolName().equals("Bash") && Boolean.TRUE.equals(event.toolInput().get(FLAG));
    }

    /**
     * The event with the agent's rewrite of the command undone, so decisions and the audit read what the model proposed
     * (the flag stays, and tells the audit the call ran outside the sandbox). A PreToolUse event is the model's own input,
     * never undone.
     */
    static HookEvent asProposed(String name, HookEvent event) {
        if (name.equals("PreToolUse") || !asked(event)) {
            return event;
        }
        return UnsandboxedRun.proven(event.inputString("command")).map(command -> {
            Map<String, Object> input = new LinkedHashMap<>(event.toolInput());
            input.put("command", command);
            Map<String, Object> payload = new LinkedHashMap<>(event.payload());
            payload.put("tool_input", input);
            return HookEvent.of(payload);
        }).orElse(event);
    }

    /** The PreToolUse answer with the command rewritten to run outside the sandbox (and approved, as the engine proved it). */
    static Map<String, Object> unsandboxed(Map<String, Object> answer, HookEvent event) {
        Map<String, Object> input = new LinkedHashMap<>(event.toolInput());
        input.put("command", UnsandboxedRun.command(event.inputString("command")));
        input.put(FLAG, true);
        Map<String, Object> specific = new LinkedHashMap<>();
        if (answer.get("hookSpecificOutput") instanceof Map<?, ?> existing) {
            existing.forEach((k, v) -> specific.put((String) k, v));
        }
        specific.put("hookEventName", "PreToolUse");
        specific.put("permissionDecision", "allow");
        specific.put("updatedInput", input);
        Map<String, Object> merged = new LinkedHashMap<>(answer);
        merged.put("hookSpecificOutput", specific);
        return merged;
    }

    /** The answer to the permission request an unsandboxed run makes. */
    static Map<String, Object> permission(boolean allow) {
        Map<String, Object> decision = allow ? Map.of("behavior", "allow") : Map.of("behavior", "deny", "message",
                "POLICY: this command may not run outside the OS sandbox. Only a command the policy engine proves read-only runs "
                        + "outside it, as the agent rewrites it; run the command without dangerouslyDisableSandbox.");
        return Map.of("hookSpecificOutput", Map.of("hookEventName", "PermissionRequest", "decision", decision));
    }
}
