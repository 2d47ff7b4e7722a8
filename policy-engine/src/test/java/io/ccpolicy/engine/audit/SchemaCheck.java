package io.ccpolicy.engine.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Checks a value against the audit event JSON Schema: the keywords the schema uses (type, required, properties, items,
 * enum, const, pattern, minimum). Shared through the test jar so producers and consumers test against the same file.
 */
public final class SchemaCheck {

    private SchemaCheck() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> auditEventSchema() throws IOException {
        try (InputStream in = SchemaCheck.class.getResourceAsStream("/io/ccpolicy/engine/audit/audit-event-v1.schema.json")) {
            return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    public static List<String> problems(Map<String, Object> schema, Object value) {
        List<String> problems = new ArrayList<>();
        check(schema, value, "$", problems);
        return problems;
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> schema, Object value, String where, List<String> problems) {
        Object type = schema.get("type");
        if (type != null && !typeMatches(String.valueOf(type), value)) {
            problems.add(where + ": expected " + type + ", found " + (value == null ? "null" : value.getClass().getSimpleName()));
            return;
        }
        if (schema.containsKey("const") && !schema.get("const").equals(value)) {
            problems.add(where + ": must be " + schema.get("const"));
        }
        if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(value)) {
            problems.add(where + ": must be one of " + allowed);
        }
        if (schema.get("pattern") instanceof String pattern && value instanceof String s && !s.matches(pattern)) {
            problems.add(where + ": '" + s + "' does not match " + pattern);
        }
        if (schema.get("minimum") instanceof Number min && value instanceof Number n && n.longValue() < min.longValue()) {
            problems.add(where + ": below " + min);
        }
        if (value instanceof Map<?, ?> object) {
            if (schema.get("required") instanceof List<?> required) {
                required.stream().filter(k -> !object.containsKey(k)).forEach(k -> problems.add(where + ": missing " + k));
            }
            if (schema.get("properties") instanceof Map<?, ?> properties) {
                properties.forEach((k, sub) -> {
                    if (object.containsKey(k)) {
                        check((Map<String, Object>) sub, object.get(k), where + "." + k, problems);
                    }
                });
            }
        }
        if (value instanceof List<?> list && schema.get("items") instanceof Map<?, ?> items) {
            for (int i = 0; i < list.size(); i++) {
                check((Map<String, Object>) items, list.get(i), where + "[" + i + "]", problems);
            }
        }
    }

    private static boolean typeMatches(String type, Object value) {
        return switch (type) {
            case "object" -> value instanceof Map;
            case "array" -> value instanceof List;
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Integer || value instanceof Long;
            case "number" -> value instanceof Number;
            case "boolean" -> value instanceof Boolean;
            default -> true;
        };
    }
}
