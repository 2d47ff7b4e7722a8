package io.ccpolicy.engine.parse;

import java.util.Optional;

/**
 * Names the first regular-expression feature a linear-time engine (RE2) cannot run, with its position: lookahead and
 * lookbehind, backreferences, atomic groups, possessive quantifiers. Escaped characters and character classes are
 * skipped, so {@code [(?=]} or {@code \(?=} are not reported.
 */
final class UnsupportedRegex {

    private UnsupportedRegex() {
    }

    static Optional<String> find(String pattern) {
        boolean inClass = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                char next = pattern.charAt(i + 1);
                if (!inClass && next >= '1' && next <= '9') {
                    return Optional.of("a backreference (\\" + next + ") at index " + i);
                }
                if (!inClass && next == 'k' && i + 2 < pattern.length() && pattern.charAt(i + 2) == '<') {
                    return Optional.of("a named backreference (\\k<...>) at index " + i);
                }
                i++;
                continue;
            }
            if (inClass) {
                inClass = c != ']';
                continue;
            }
            if (c == '[') {
                inClass = true;
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == ']') {
                    i++;
                }
                continue;
            }
            if (pattern.startsWith("(?=", i) || pattern.startsWith("(?!", i)) {
                return Optional.of("a lookahead (" + pattern.substring(i, i + 3) + ") at index " + i);
            }
            if (pattern.startsWith("(?<=", i) || pattern.startsWith("(?<!", i)) {
                return Optional.of("a lookbehind (" + pattern.substring(i, i + 4) + ") at index " + i);
            }
            if (pattern.startsWith("(?>", i)) {
                return Optional.of("an atomic group ((?>) at index " + i);
            }
            if ((c == '*' || c == '+' || c == '?' || c == '}') && i + 1 < pattern.length() && pattern.charAt(i + 1) == '+') {
                return Optional.of("a possessive quantifier (" + c + "+) at index " + i);
            }
        }
        return Optional.empty();
    }
}
