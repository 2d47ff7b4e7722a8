package io.ccpolicy.engine.eval;

/**
 * Glob matching without regular expressions: {@code *} (and {@code **}) matches any run of characters, {@code /}
 * included; {@code ?} matches one character. Linear-time two-pointer matching, so hostile input cannot make it slow.
 */
final class Wildcard {

    private Wildcard() {
    }

    static boolean hasWildcard(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    /** Whether {@code text} contains characters a shell would expand ({@code * ? [}). */
    static boolean hasShellGlob(String text) {
        return hasWildcard(text) || text.indexOf('[') >= 0;
    }

    static boolean matches(String pattern, String text) {
        return matches(pattern, 0, text, 0);
    }

    static boolean matches(String pattern, int patternStart, String text, int textStart) {
        int p = patternStart;
        int t = textStart;
        int starP = -1;
        int starT = -1;
        int pn = pattern.length();
        int tn = text.length();
        while (t < tn) {
            if (p < pn) {
                char c = pattern.charAt(p);
                if (c == '*') {
                    while (p < pn && pattern.charAt(p) == '*') {
                        p++;
                    }
                    starP = p;
                    starT = t;
                    continue;
                }
                if (c == '?' || c == text.charAt(t)) {
                    p++;
                    t++;
                    continue;
                }
            }
            if (starP < 0) {
                return false;
            }
            p = starP;
            t = ++starT;
        }
        while (p < pn && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pn;
    }

    /** The part of a glob before its first wildcard. */
    static String literalPrefix(String glob) {
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?' || c == '[') {
                return glob.substring(0, i);
            }
        }
        return glob;
    }
}
