package io.ccpolicy.engine.model;

import java.util.List;
import java.util.Set;

/**
 * The document's {@code audit} section. {@code includeEvents} empty means every event type; {@code excludePaths} are
 * path globs whose events are not recorded; prompts are stored only when {@code includePrompts} opts in.
 */
public record AuditSettings(
        boolean enabled,
        String destination,
        int batchSize,
        int flushIntervalSeconds,
        Set<String> includeEvents,
        List<String> excludePaths,
        boolean includePrompts) {

    /** Event types the audit section may name. */
    public static final Set<String> EVENT_TYPES = Set.of("tool_execution", "file_modification", "mcp_call", "policy_violation",
            "session_start", "session_end", "prompt_submit", "config_change", "instructions_loaded", "subagent_start",
            "subagent_stop", "permission_request", "stop", "agent_error", "sandbox_violation");

    public static final AuditSettings DEFAULT = new AuditSettings(true, "", 100, 60, Set.of(), List.of(), false);

    public AuditSettings {
        includeEvents = Set.copyOf(includeEvents);
        excludePaths = List.copyOf(excludePaths);
    }

    public boolean records(String eventType) {
        return enabled && (includeEvents.isEmpty() || includeEvents.contains(eventType));
    }
}
