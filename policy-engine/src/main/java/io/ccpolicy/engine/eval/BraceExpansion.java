package io.ccpolicy.engine.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Bash brace expansion ({@code {a,b}}, {@code {1..5}}, {@code {a..e..2}}) on a word whose quoted characters are escaped
 * with a backslash and whose expansions are markers ({@code \u0001X\u0002}), so only unquoted braces expand.
 */
final class BraceExpansion {

    private BraceExpansion() {
    }

    /** Every word the text expands to, or null when there would be more than {@code max}. */
    static List<String> expand(String text, int max) {
        List<String> out = new ArrayList<>();
        return expandInto(text, max, out, 0) ? out : null;
    }

    private static boolean expandInto(String text, int max, List<String> out, int depth) {
        if (depth > 16) {
            return false;
        }
        int from = 0;
        while (true) {
            int open = next(text, from, '{');
            if (open < 0) {
                out.add(text);
                return out.size() <= max;
            }
            int close = -1;
            int level = 0;
            List<Integer> commas = new ArrayList<>();
            for (int i = open; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '\u0001') {
                    i = text.indexOf('\u0002', i);
                } else if (c == '{') {
                    level++;
                } else if (c == '}') {
                    level--;
                    if (level == 0) {
                        close = i;
                        break;
                    }
                } else if (c == ',' && level == 1) {
                    commas.add(i);
                }
            }
            if (close < 0) {
                out.add(text);
                return out.size() <= max;
            }
            String prefix = text.substring(0, open);
            String suffix = text.substring(close + 1);
            List<String> alternatives = new ArrayList<>();
            if (!commas.isEmpty()) {
                int start = open + 1;
                for (int comma : commas) {
                    alternatives.add(text.substring(start, comma));
                    start = comma + 1;
                }
                alternatives.add(text.substring(start, close));
            } else {
                List<String> sequence = sequence(text.substring(open + 1, close), max);
                if (sequence == null) {
                    return false;
                }
                alternatives = sequence;
            }
            if (alternatives.isEmpty()) {
                from = open + 1; // not a brace expression: a literal '{'
                continue;
            }
            for (String alternative : alternatives) {
                if (!expandInto(prefix + alternative + suffix, max, out, depth + 1)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static int next(String text, int from, char wanted) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\u0001') {
                i = text.indexOf('\u0002', i);
            } else if (c == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** {@code 1..5}, {@code 05..10..5}, {@code a..e}; an empty list when the text is not a sequence; null when too long. */
    private static List<String> sequence(String body, int max) {
        String[] parts = body.split("\\.\\.", -1);
        if (parts.length < 2 || parts.length > 3) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try {
            long step = parts.length == 3 ? Math.abs(Long.parseLong(parts[2])) : 1;
            if (step == 0) {
                step = 1;
            }
            if (parts[0].matches("-?\\d+") && parts[1].matches("-?\\d+")) {
                long a = Long.parseLong(parts[0]);
                long b = Long.parseLong(parts[1]);
                int width = parts[0].startsWith("0") || parts[1].startsWith("0") ? Math.max(parts[0].length(), parts[1].length()) : 0;
                if (Math.abs(b - a) / step + 1 > max) {
                    return null;
                }
                for (long v = a; a <= b ? v <= b : v >= b; v += a <= b ? step : -step) {
                    out.add(width > 0 ? String.format("%0" + width + "d", v) : Long.toString(v));
                }
                return out;
            }
            if (parts[0].length() == 1 && parts[1].length() == 1 && Character.isLetter(parts[0].charAt(0)) && Character.isLetter(parts[1].charAt(0))) {
                char a = parts[0].charAt(0);
                char b = parts[1].charAt(0);
                for (int v = a; a <= b ? v <= b : v >= b; v += a <= b ? step : -step) {
                    out.add(String.valueOf((char) v));
                }
                return out;
            }
        } catch (NumberFormatException e) {
            return List.of();
        }
        return List.of();
    }
}
