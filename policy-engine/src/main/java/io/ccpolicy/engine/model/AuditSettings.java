package io.ccpolicy.engine.model;

import java.util.List;
import java.util.Set;

/**
 * The document's {@code audit} section. {@code destination}: where agents ship their spool, an https URL of
 * audit-ingest's batch endpoint, or empty (or {@code kafka}) for the Kafka their agent.yaml names. A batch ships once
 * {@code batchSize} events are waiting, or when the oldest has waited {@code flushIntervalSeconds} (1 unless set).
 * {@code includeEvents} empty means every event type; {@code excludePaths} are path globs whose events are not recorded;
 * prompts are stored only when {@code includePrompts} opts in. {@code showLogged} shows the developer the guide's
 * ACTION LOGGED box, with the event id, for each allowed action recorded (off by default: noise for most teams).
 */
public record AuditSettings(
        boolean enabled,
        String destination,
        int batchSize,
        int flushIntervalSeconds,
        Set<String> includeEvents,
        List<String> excludePaths,
        boolean includePrompts,
        boolean showLogged) {

    /** Event types the audit section may name. */
    public static final Set<String> EVENT_TYPES = Set.of("tool_execution", "file_modification", "mcp_call", "policy_violation",
            "session_start", "session_end", "prompt_submit", "config_change", "instructions_loaded", "subagent_start",
            "subagent_stop", "permission_request", "stop", "agent_error", "sandbox_violation");

    public static final AuditSettings DEFAULT = new AuditSettings(true, "", 100, 1, Set.of(), List.of(), false, false);

    public AuditSettings {
        includeEvents = Set.copyOf(includeEvents);
        excludePaths = List.copyOf(excludePaths);
    }

    /** An https URL, an http URL on this machine (the local platform), or {@code kafka}. */
    public static boolean validDestination(String destination) {
        return destination.isEmpty() || destination.equals("kafka") || destination.matches("https://[^\\s/]+(/\\S*)?")
                || destination.matches("http://(127\\.0\\.0\\.1|localhost|\\[::1])(:\\d+)?(/\\S*)?");
    }

    /** The HTTPS endpoint agents ship to, or empty when they ship to Kafka. */
    public java.util.Optional<java.net.URI> httpDestination() {
        return destination.startsWith("http") ? java.util.Optional.of(java.net.URI.create(destination)) : java.util.Optional.empty();
    }

    /** These settings shipping {@code batchSize} events at once, or the oldest after {@code flushIntervalSeconds}. */
    public AuditSettings withCadence(int batchSize, int flushIntervalSeconds) {
        return new AuditSettings(enabled, destination, batchSize, flushIntervalSeconds, includeEvents, excludePaths, includePrompts, showLogged);
    }

    public boolean records(String eventType) {
        return enabled && (includeEvents.isEmpty() || includeEvents.contains(eventType));
    }
}
