package io.ccpolicy.engine.audit;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.HashMap;

/**
 * The canonical JSON form audit hashes are computed over: object keys sorted, no insignificant whitespace, strings
 * escaped minimally (only what JSON requires, non-ASCII kept as UTF-8), integers without exponent. Two parties holding the
 * same event compute the same bytes, whatever library parsed it.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        append(out, value);
        return out.toString();
    }

    /** The canonical form of {@code object} as if {@code excludedKey} were not in it (no copy of the map is made). */
    public static String writeWithout(Map<?, ?> object, String excludedKey) {
        StringBuilder out = new StringBuilder(1024);
        object(out, object, excludedKey);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Number n) {
            BigDecimal decimal = new BigDecimal(n.toString()).stripTrailingZeros();
            out.append(decimal.scale() <= 0 ? decimal.toBigIntegerExact().toString() : decimal.toPlainString());
        } else if (value instanceof Map<?, ?> map) {
            object(out, map, null);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                append(out, list.get(i));
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    /** Keys in String order (as a TreeMap would give), sorted as an array: this runs for every audit event. */
    private static void object(StringBuilder out, Map<?, ?> map, String excludedKey) {
        Map<String, Object> byKey = new HashMap<>(map.size() * 2);
        String[] keys = new String[map.size()];
        int n = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (!key.equals(excludedKey) && byKey.put(key, entry.getValue()) == null) {
                keys[n++] = key;
            }
        }
        Arrays.sort(keys, 0, n);
        out.append('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, keys[i]);
            out.append(':');
            append(out, byKey.get(keys[i]));
        }
        out.append('}');
    }

    private static void string(StringBuilder out, String s) {
        int plain = 0;
        while (plain < s.length() && s.charAt(plain) >= 0x20 && s.charAt(plain) != '"' && s.charAt(plain) != '\\') {
            plain++;
        }
        out.append('"');
        if (plain == s.length()) {
            out.append(s).append('"');
            return;
        }
        out.append(s, 0, plain);
        for (int i = plain; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
