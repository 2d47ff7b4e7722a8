package io.ccpolicy.engine.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps an audit event within what every hop can carry, whatever a hook payload held: control characters (NUL
 * included, which PostgreSQL's jsonb refuses) become visible {@code \\uXXXX} text, every string is cut at
 * {@link #MAX_STRING} characters, and an event still larger than {@link #MAX_EVENT_CHARS} (Kafka refuses records over
 * 1 MB) keeps only its identifying fields. Each cut is named in {@code truncated}, so a reviewer sees what was lost.
 */
public final class AuditBounds {

    public static final int MAX_STRING = 8 * 1024;
    public static final int MAX_EVENT_CHARS = 256 * 1024;
    private static final int MAX_KEY = 128;
    private static final List<String> ESSENTIAL = List.of("version", "timestamp", "eventId", "eventType", "user", "machine", "session",
            "action", "policyCheck", "decision", "tool_use_id", "prompt_id", "agent_id", "agent_type", "permission_mode", "error");

    private AuditBounds() {
    }

    /** The event with every string sanitized and bounded; {@code truncated} lists what was cut, if anything. */
    public static Map<String, Object> bounded(Map<String, Object> event) {
        List<String> cut = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> bounded = (Map<String, Object>) bound(event, "", cut, MAX_STRING);
        if (!cut.isEmpty()) {
            bounded.put("truncated", Map.of("fields", cut.size() > 50 ? cut.subList(0, 50) : cut, "reason",
                    "longer than " + MAX_STRING + " characters"));
        }
        return bounded;
    }

    /** An event whose serialized size is over the limit keeps its identifying fields, each cut much shorter. */
    public static Map<String, Object> shrunk(Map<String, Object> event, int serializedChars) {
        List<String> cut = new ArrayList<>();
        Map<String, Object> kept = new LinkedHashMap<>();
        for (String key : ESSENTIAL) {
            if (event.containsKey(key)) {
                kept.put(key, bound(event.get(key), key, cut, 512));
            }
        }
        List<String> dropped = event.keySet().stream().filter(k -> !ESSENTIAL.contains(k) && !k.equals("truncated")).toList();
        kept.put("truncated", Map.of("reason", "the event was " + serializedChars + " characters, over the " + MAX_EVENT_CHARS + " limit",
                "droppedFields", dropped, "fields", cut.size() > 50 ? cut.subList(0, 50) : cut));
        return kept;
    }

    private static Object bound(Object value, String path, List<String> cut, int max) {
        if (value instanceof String text) {
            String clean = sanitize(text);
            if (clean.length() > max) {
                cut.add(path);
                return clean.substring(0, max) + "...(cut: " + text.length() + " chars)";
            }
            return clean;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = sanitize(String.valueOf(entry.getKey()));
                key = key.length() > MAX_KEY ? key.substring(0, MAX_KEY) : key;
                copy.put(key, bound(entry.getValue(), path.isEmpty() ? key : path + "." + key, cut, max));
            }
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(bound(list.get(i), path + "[" + i + "]", cut, max));
            }
            return copy;
        }
        return value;
    }

    /** Control characters other than tab and line breaks become visible text; so does an unpaired surrogate. */
    static String sanitize(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
            boolean lone = Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) && !(Character.isLowSurrogate(c) && i > 0
                    && Character.isHighSurrogate(text.charAt(i - 1)));
            if (control || lone) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }
}
