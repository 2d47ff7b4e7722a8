package io.ccpolicy.engine.eval;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Lexical path normalization (no file system access): {@code ~} and {@code $HOME} expand to the home directory,
 * relative paths resolve against the working directory, and {@code .}, {@code ..} and repeated slashes collapse, so
 * {@code /tmp/../etc//hosts} and {@code ~/../../etc/hosts} are both {@code /etc/hosts}. Symbolic links are the host's
 * business: it may resolve real paths before asking.
 */
public final class Paths {

    private Paths() {
    }

    public static String normalize(String path, String cwd, String home) {
        String p = path;
        if (p.equals("~") || p.startsWith("~/")) {
            p = home + p.substring(1);
        } else if (p.equals("$HOME") || p.startsWith("$HOME/")) {
            p = home + p.substring(5);
        } else if (p.equals("${HOME}") || p.startsWith("${HOME}/")) {
            p = home + p.substring(7);
        }
        return resolve(p, cwd);
    }

    /** Like {@link #normalize} for a path whose expansions are already done: a {@code ~} in it is a plain name. */
    public static String resolve(String path, String cwd) {
        String p = path;
        if (p.startsWith("/") && clean(p)) {
            return p;
        }
        if (!p.startsWith("/")) {
            p = (cwd == null || cwd.isEmpty() ? "/" : cwd) + "/" + p;
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        String normalized = parts.isEmpty() ? "/" : "/" + String.join("/", parts);
        // /proc/self/root/etc is /etc (and another process's root is, as far as a policy can tell, the same tree)
        if (normalized.startsWith("/proc/") && parts.size() >= 3) {
            java.util.Iterator<String> it = parts.iterator();
            it.next();
            it.next();
            if (it.next().equals("root")) {
                String rest = String.join("/", new java.util.ArrayList<>(parts).subList(3, parts.size()));
                return "/" + rest;
            }
        }
        return normalized;
    }

    /** Already normal: no empty, "." or ".." segment, no trailing slash, not under /proc. */
    private static boolean clean(String p) {
        return (p.length() == 1 || !p.endsWith("/")) && !p.contains("//") && !p.contains("/./") && !p.contains("/../")
                && !p.endsWith("/.") && !p.endsWith("/..") && !p.startsWith("/proc/");
    }

    /** A Windows path ({@code C:\Users\bob}) in the engine's form ({@code /c/Users/bob}); any other path unchanged. */
    public static String fromWindows(String path) {
        if (path.length() >= 2 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':') {
            String rest = path.substring(2).replace('\\', '/');
            return "/" + Character.toLowerCase(path.charAt(0)) + (rest.startsWith("/") ? rest : "/" + rest);
        }
        return path.indexOf('\\') >= 0 && path.startsWith("\\\\") ? path.replace('\\', '/') : path;
    }
}
