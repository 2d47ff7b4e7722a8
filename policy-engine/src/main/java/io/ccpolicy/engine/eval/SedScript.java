package io.ccpolicy.engine.eval;

import io.ccpolicy.engine.eval.ShellAnalyzer.Field;
import java.util.List;
import java.util.Optional;

/**
 * Reads a sed script for the files it names: {@code w FILE}, {@code W FILE} and the {@code w} flag of {@code s} write,
 * {@code r}/{@code R} read; {@code e} and the {@code e} flag run commands, which makes the call opaque.
 */
final class SedScript {

    private SedScript() {
    }

    /** Adds the files the script writes and reads; a present result names why the script cannot be known. */
    static Optional<String> effects(String script, List<Field> writes, List<Field> reads) {
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (Character.isWhitespace(c) || c == ';' || c == '{' || c == '}' || c == '!') {
                i++;
                continue;
            }
            if (c == '#') {
                i = lineEnd(script, i);
                continue;
            }
            i = skipAddress(script, i);
            if (i >= n) {
                break;
            }
            c = script.charAt(i);
            if (c == ',' ) {
                i = skipAddress(script, i + 1);
                if (i >= n) {
                    break;
                }
                c = script.charAt(i);
            }
            while (i < n && (Character.isWhitespace(c) || c == '!')) {
                c = script.charAt(++i < n ? i : n - 1);
            }
            if (c == '{' || c == '}' || c == ';') {
                continue;
            }
            switch (c) {
                case 's', 'y' -> {
                    if (i + 1 >= n) {
                        return Optional.of("a sed substitution without a delimiter");
                    }
                    char delimiter = script.charAt(i + 1);
                    int end = skipDelimited(script, i + 2, delimiter);
                    end = end < 0 ? -1 : skipDelimited(script, end, delimiter);
                    if (end < 0) {
                        return Optional.of("an unterminated sed substitution");
                    }
                    i = end;
                    if (c == 's') {
                        while (i < n && "gipmIM0123456789".indexOf(script.charAt(i)) >= 0) {
                            i++;
                        }
                        if (i < n && script.charAt(i) == 'e') {
                            return Optional.of("sed's e flag runs commands");
                        }
                        if (i < n && script.charAt(i) == 'w') {
                            int end2 = lineEnd(script, i + 1);
                            writes.add(file(script.substring(i + 1, end2)));
                            i = end2;
                        }
                    }
                }
                case 'w', 'W' -> {
                    int end = lineEnd(script, i + 1);
                    writes.add(file(script.substring(i + 1, end)));
                    i = end;
                }
                case 'r', 'R' -> {
                    int end = lineEnd(script, i + 1);
                    reads.add(file(script.substring(i + 1, end)));
                    i = end;
                }
                case 'e' -> {
                    return Optional.of("sed's e command runs commands");
                }
                case 'a', 'i', 'c' -> i = lineEnd(script, i + 1);
                case 'b', 't', 'T', ':', 'l', 'L', 'q', 'Q' -> {
                    int end = i + 1;
                    while (end < n && script.charAt(end) != ';' && script.charAt(end) != '\n' && script.charAt(end) != '}') {
                        end++;
                    }
                    i = end;
                }
                default -> {
                    if ("=dDgGhHnNpPxzF".indexOf(c) < 0) {
                        return Optional.of("a sed command this analyser does not know ('" + c + "')");
                    }
                    i++;
                }
            }
        }
        return Optional.empty();
    }

    private static Field file(String name) {
        String trimmed = name.strip();
        return trimmed.equals("/dev/stdout") || trimmed.equals("/dev/stderr") ? Field.literal("/dev/null") : Field.literal(trimmed);
    }

    private static int lineEnd(String script, int from) {
        int end = script.indexOf('\n', from);
        return end < 0 ? script.length() : end;
    }

    private static int skipAddress(String script, int i) {
        int n = script.length();
        if (i < n && (script.charAt(i) == '/' || script.charAt(i) == '\\')) {
            char delimiter = script.charAt(i) == '\\' && i + 1 < n ? script.charAt(++i) : '/';
            int end = skipDelimited(script, i + 1, delimiter);
            i = end < 0 ? n : end;
            while (i < n && (script.charAt(i) == 'I' || script.charAt(i) == 'M')) {
                i++;
            }
            return i;
        }
        while (i < n && (Character.isDigit(script.charAt(i)) || script.charAt(i) == '$' || script.charAt(i) == '~' || script.charAt(i) == '+')) {
            i++;
        }
        return i;
    }

    /** The index after the next unescaped delimiter, or -1. */
    private static int skipDelimited(String script, int from, char delimiter) {
        for (int i = from; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == delimiter) {
                return i + 1;
            }
        }
        return -1;
    }
}
