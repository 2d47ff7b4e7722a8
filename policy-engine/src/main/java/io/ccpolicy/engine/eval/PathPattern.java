package io.ccpolicy.engine.eval;

/**
 * A path glob from a policy. {@code ~} is the user's home; a pattern with no {@code /} matches a file name anywhere
 * ({@code *.pem}); a relative pattern with a {@code /} is anchored at the working directory ({@code node_modules/*});
 * anything else is absolute. {@code *} crosses directory boundaries, so {@code ~/*} is everything under home.
 */
final class PathPattern {

    private final String pattern;
    private final boolean basenameOnly;
    private final boolean homeRelative;
    private final boolean cwdRelative;

    PathPattern(String pattern) {
        String p = Paths.fromWindows(pattern.trim());
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        this.homeRelative = p.equals("~") || p.startsWith("~/");
        this.basenameOnly = !homeRelative && p.indexOf('/') < 0;
        this.cwdRelative = !homeRelative && !basenameOnly && !p.startsWith("/");
        this.pattern = homeRelative ? p.substring(1) : p.startsWith("./") ? p.substring(2) : p;
    }

    /** The absolute glob this pattern denotes for the given home and working directory. */
    String resolve(String home, String cwd) {
        if (homeRelative) {
            return trimSlash(home) + pattern;
        }
        if (cwdRelative) {
            return trimSlash(cwd) + "/" + pattern;
        }
        return pattern;
    }

    /**
     * Whether the path (normalized, absolute) may be matched, for denylists: a glob path matches if any of its expansions
     * could be, and a directory matches when something under it does (removing {@code ~/.ssh} removes {@code ~/.ssh/id_rsa}).
     */
    boolean mayMatch(Value path, String home, String cwd) {
        if (basenameOnly) {
            if (path.text().endsWith("/**")) {
                return false; // a name pattern judges the files a command names, not every file of a subtree it touches
            }
            String name = basename(path.text());
            return path.glob() && Wildcard.hasShellGlob(name) ? Wildcard.mayOverlap(pattern, name) : Wildcard.matches(pattern, name);
        }
        String glob = resolve(home, cwd);
        if (!path.glob()) {
            return Wildcard.matches(glob, path.text()) || Wildcard.matches(glob, path.text() + "/");
        }
        return Wildcard.mayOverlap(glob, path.text());
    }

    /**
     * Whether every path the value may stand for is matched, for allowlists: the path itself, never its parent
     * ({@code /home/**} does not cover {@code /home}); a glob path is covered when some prefix of its literal part is
     * matched by the pattern without its trailing stars, so every expansion lies under an allowed directory.
     */
    boolean coversAll(Value path, String home, String cwd) {
        if (basenameOnly) {
            return path.glob() && Wildcard.hasShellGlob(basename(path.text())) ? pattern.equals("*") : Wildcard.matches(pattern, basename(path.text()));
        }
        String glob = resolve(home, cwd);
        if (!path.glob()) {
            return Wildcard.matches(glob, path.text());
        }
        int stars = glob.length();
        while (stars > 0 && glob.charAt(stars - 1) == '*') {
            stars--;
        }
        if (stars == glob.length()) {
            return false;
        }
        String head = glob.substring(0, stars);
        String literal = Wildcard.literalPrefix(path.text());
        for (int end = literal.length(); end >= head.length() - 1 && end > 0; end--) {
            if (Wildcard.matches(head, literal.substring(0, end))) {
                return true;
            }
        }
        return false;
    }

    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static String trimSlash(String dir) {
        return dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1) : dir;
    }
}
