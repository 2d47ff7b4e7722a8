package io.ccpolicy.engine.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A bashCommand policy value such as {@code rm -rf /}, {@code git push --force} or {@code curl}. It matches a simple
 * command when the command names agree (by file name, so {@code /usr/bin/curl} is {@code curl}), every option of the
 * pattern is present (short flags compared letter by letter, so {@code -fr} and {@code -r -f} both carry {@code -rf}),
 * and the pattern's operands are the first operands of the command ({@code *} matches any rest). Operand words may use
 * globs. A command word that is only known at run time (a variable or substitution) may be anything: it matches for a
 * denylist and does not for an allowlist.
 */
final class CommandPattern {

    private final Shape pattern;
    private final String text;

    CommandPattern(String text) {
        this.text = text.trim();
        this.pattern = Shape.of(this.text);
    }

    String text() {
        return text;
    }

    /** For a denylist: could this command be one the pattern describes? */
    boolean mayMatch(Value command, Shape shape, String home) {
        return command.opaque() || matches(shape, true, home);
    }

    /** For an allowlist: is this command certainly one the pattern describes? */
    boolean surelyMatches(Value command, Shape shape, String home) {
        return !command.opaque() && matches(shape, false, home);
    }

    private boolean matches(Shape command, boolean unknownMatches, String home) {
        if (command.name.isEmpty() || !Wildcard.matches(pattern.name, command.name)) {
            return false;
        }
        for (char flag : pattern.flags) {
            if (!command.flags.contains(flag) && !(unknownMatches && command.hasDynamicWord)) {
                return false;
            }
        }
        for (String option : pattern.longOptions) {
            if (!command.longOptions.contains(option) && !(unknownMatches && command.hasDynamicWord)) {
                return false;
            }
        }
        for (int i = 0; i < pattern.operands.size(); i++) {
            String expected = expandHome(pattern.operands.get(i), home);
            if (expected.equals("*") && i == pattern.operands.size() - 1) {
                return true;
            }
            if (i >= command.operands.size()) {
                return false;
            }
            String actual = expandHome(command.operands.get(i), home);
            if (isDynamic(actual)) {
                if (!unknownMatches) {
                    return false;
                }
            } else if (!Wildcard.matches(expected, actual)) {
                return false;
            }
        }
        return true;
    }

    /** {@code ~} and {@code $HOME} name the same directory; compare them as one, without a trailing slash. */
    private static String expandHome(String word, String home) {
        String w = word.equals("~") || word.startsWith("~/") ? home + word.substring(1) : word;
        return w.length() > 1 && w.endsWith("/") ? w.substring(0, w.length() - 1) : w;
    }

    static boolean isDynamic(String word) {
        return word.contains("${") || word.contains("$(...)") || word.contains("`...`") || word.contains("(...)");
    }

    /** A command split into name, flags, long options and operands; parsed once per event value. */
    record Shape(String name, Set<Character> flags, Set<String> longOptions, List<String> operands, boolean hasDynamicWord) {

        static Shape of(String command) {
            String[] words = command.trim().split("\\s+");
            String name = words.length == 0 ? "" : words[0];
            int slash = name.lastIndexOf('/');
            if (slash >= 0 && slash < name.length() - 1) {
                name = name.substring(slash + 1);
            }
            Set<Character> flags = new TreeSet<>();
            Set<String> longs = new TreeSet<>();
            List<String> operands = new ArrayList<>();
            boolean dynamic = false;
            for (int i = 1; i < words.length; i++) {
                String w = words[i];
                dynamic |= isDynamic(w);
                if (w.startsWith("--") && w.length() > 2) {
                    longs.add(w);
                } else if (w.startsWith("-") && w.length() > 1 && w.chars().skip(1).allMatch(Character::isLetterOrDigit)) {
                    w.chars().skip(1).forEach(c -> flags.add((char) c));
                } else if (!w.isEmpty()) {
                    operands.add(w);
                }
            }
            return new Shape(name, flags, longs, operands, dynamic);
        }
    }
}
