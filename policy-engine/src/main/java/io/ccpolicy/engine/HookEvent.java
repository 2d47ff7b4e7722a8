package io.ccpolicy.engine;

import java.util.Map;
import java.util.Optional;

/**
 * A Claude Code hook payload as the CLI sends it (parsed JSON: maps, lists, strings, numbers, booleans). Accessors
 * return empty or "" for absent or mistyped fields, never throw: hostile payloads are expected.
 */
public final class HookEvent {

    private final Map<String, Object> payload;

    private HookEvent(Map<String, Object> payload) {
        this.payload = payload;
    }

    public static HookEvent of(Map<String, Object> payload) {
        return new HookEvent(payload == null ? Map.of() : payload);
    }

    public Map<String, Object> payload() {
        return payload;
    }

    public String name() {
        return string("hook_event_name");
    }

    public String toolName() {
        return string("tool_name");
    }

    public String cwd() {
        return string("cwd");
    }

    public String sessionId() {
        return string("session_id");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> toolInput() {
        Object input = payload.get("tool_input");
        return input instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    public String string(String key) {
        return payload.get(key) instanceof String s ? s : "";
    }

    public String inputString(String key) {
        return toolInput().get(key) instanceof String s ? s : "";
    }

    public Optional<Object> field(String key) {
        return Optional.ofNullable(payload.get(key));
    }

    public boolean isToolEvent() {
        return !toolName().isEmpty();
    }
}
