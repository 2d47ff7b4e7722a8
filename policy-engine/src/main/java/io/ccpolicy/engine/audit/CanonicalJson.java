package io.ccpolicy.engine.audit;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Arrays;

/**
 * The canonical JSON form audit hashes are computed over: object keys sorted, no insignificant whitespace, strings
 * escaped minimally (only what JSON requires, non-ASCII kept as UTF-8), integers without exponent. Two parties holding the
 * same event compute the same bytes, whatever library parsed it.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    /** JSON already in canonical form, written as it is: a part a caller writes once for many documents. */
    public record Fragment(String json) {
    }

    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        append(out, value);
        return out.toString();
    }

    /** The canonical form of {@code object} as if the {@code excludedKeys} were not in it (no copy of the map is made). */
    public static String writeWithout(Map<?, ?> object, String... excludedKeys) {
        StringBuilder out = new StringBuilder(2048);
        object(out, object, excludedKeys);
        return out.toString();
    }

    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Fragment fragment) {
            out.append(fragment.json());
        } else if (value instanceof Boolean b) {
            out.append(b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Number n) {
            BigDecimal decimal = new BigDecimal(n.toString()).stripTrailingZeros();
            out.append(decimal.scale() <= 0 ? decimal.toBigIntegerExact().toString() : decimal.toPlainString());
        } else if (value instanceof Map<?, ?> map) {
            object(out, map, NONE);
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

    /**
     * Keys in String order (as a TreeMap would give): the entries sorted as an array, with no map built, as this runs
     * for every object of every audit event. Should two keys read the same (only non-String keys can), the later wins.
     */
    private static void object(StringBuilder out, Map<?, ?> map, String[] excludedKeys) {
        // sized to fit, which spares toArray a reflective allocation per object
        Map.Entry<?, ?>[] entries = map.entrySet().toArray(new Map.Entry<?, ?>[map.size()]);
        Arrays.sort(entries, BY_KEY); // stable: equal keys keep their order
        out.append('{');
        boolean first = true;
        for (int i = 0; i < entries.length; i++) {
            String key = String.valueOf(entries[i].getKey());
            if (excluded(key, excludedKeys) || i + 1 < entries.length && String.valueOf(entries[i + 1].getKey()).equals(key)) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, key);
            out.append(':');
            append(out, entries[i].getValue());
        }
        out.append('}');
    }

    private static final String[] NONE = {};

    private static boolean excluded(String key, String[] excludedKeys) {
        for (String excludedKey : excludedKeys) {
            if (excludedKey.equals(key)) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.Comparator<Map.Entry<?, ?>> BY_KEY = (a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey()));

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
