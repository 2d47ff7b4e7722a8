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
        String p = pattern.trim();
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

    /** Whether the path (normalized, absolute) is matched; a glob path matches if any of its expansions could be. */
    boolean mayMatch(Value path, String home, String cwd) {
        if (basenameOnly) {
            String name = basename(path.text());
            return path.glob() && Wildcard.hasShellGlob(name) ? Wildcard.mayOverlap(pattern, name) : Wildcard.matches(pattern, name);
        }
        String glob = resolve(home, cwd);
        if (!path.glob()) {
            return Wildcard.matches(glob, path.text()) || Wildcard.matches(glob, path.text() + "/");
        }
        return Wildcard.mayOverlap(glob, path.text());
    }

    /** Whether every path the value may stand for is matched (for allowlists). */
    boolean coversAll(Value path, String home, String cwd) {
        if (!path.glob()) {
            return mayMatch(path, home, cwd);
        }
        if (basenameOnly) {
            return pattern.equals("*");
        }
        String glob = resolve(home, cwd);
        if (!glob.endsWith("*")) {
            return false;
        }
        String prefix = glob.substring(0, glob.length() - 1);
        return !Wildcard.hasShellGlob(prefix) && Wildcard.literalPrefix(path.text()).startsWith(prefix);
    }

    static String basename(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static String trimSlash(String dir) {
        return dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1) : dir;
    }
}
