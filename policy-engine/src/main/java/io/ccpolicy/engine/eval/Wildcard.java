package io.ccpolicy.engine.eval;

/**
 * Glob matching without regular expressions: {@code *} (and {@code **}) matches any run of characters, {@code /}
 * included; {@code ?} matches one character. Linear-time two-pointer matching, so hostile input cannot make it slow.
 */
public final class Wildcard {

    private Wildcard() {
    }

    static boolean hasWildcard(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    /** Whether {@code text} contains characters a shell would expand ({@code * ? [}). */
    public static boolean hasShellGlob(String text) {
        return hasWildcard(text) || text.indexOf('[') >= 0;
    }

    public static boolean matches(String pattern, String text) {
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

    /**
     * Whether two globs could match a common string: a cheap necessary condition (their literal prefixes agree and their
     * literal suffixes agree), used to decide conservatively whether a shell glob may touch what a policy names.
     */
    static boolean mayOverlap(String a, String b) {
        String pa = literalPrefix(a);
        String pb = literalPrefix(b);
        String sa = literalSuffix(a);
        String sb = literalSuffix(b);
        return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
    }

    /** The part of a glob after its last wildcard (all of it when it has none). */
    static String literalSuffix(String glob) {
        for (int i = glob.length() - 1; i >= 0; i--) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?' || c == ']') {
                return glob.substring(i + 1);
            }
        }
        return glob;
    }

    /** The part of a glob before its first wildcard. */
    static String literalPrefix(String glob) {
        int first = firstGlob(glob);
        return first < 0 ? glob : glob.substring(0, first);
    }

    /** The index of the first character a shell would expand ({@code * ? [}), or -1. */
    public static int firstGlob(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[') {
                return i;
            }
        }
        return -1;
    }
}
