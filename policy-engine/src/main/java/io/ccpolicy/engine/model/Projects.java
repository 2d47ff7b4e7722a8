package io.ccpolicy.engine.model;

import io.ccpolicy.engine.eval.Wildcard;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A session's project is the normalised remote URL of its git repository's {@code origin} ({@code github.com/acme/app}),
 * not the name of a directory anyone can create. Policies, exceptions and publications name projects by pattern:
 * {@code github.com/acme/legacy-*} against the whole remote, or a bare repository name as the guide writes it
 * ({@code legacy-system}), against the remote's last segment on any host. A checkout without a remote has no project
 * (""): only the organisation and team layers apply to it. When the remote cannot be known for sure (the git configuration rewrites or includes), the
 * project is opaque: project-targeted restrictions apply to it, project exceptions do not.
 */
public final class Projects {

    /** Prefix of an opaque project; the rest says why. */
    public static final String OPAQUE = "opaque:";

    private static final Pattern SCP = Pattern.compile("^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$");
    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?([^/:]+)(?::\\d+)?(/.*)?$");

    private Projects() {
    }

    /** {@code git@github.com:Acme/App.git}, {@code https://user@github.com/acme/app/} -> {@code github.com/acme/app}; empty when not a remote URL. */
    public static Optional<String> normalise(String remote) {
        String url = remote.trim();
        String host;
        String path;
        Matcher m = URL.matcher(url);
        if (m.matches()) {
            host = m.group(1);
            path = m.group(2) == null ? "" : m.group(2);
        } else {
            Matcher scp = SCP.matcher(url);
            if (!scp.matches() || url.startsWith("/") || url.startsWith(".")) {
                return Optional.empty(); // a local path is no identity
            }
            host = scp.group(1);
            path = "/" + scp.group(2);
        }
        path = path.replaceAll("/+", "/").replaceAll("/$", "");
        if (path.endsWith(".git")) {
            path = path.substring(0, path.length() - 4);
        }
        if (host.isBlank() || path.isBlank() || path.equals("/")) {
            return Optional.empty();
        }
        return Optional.of((host + path).toLowerCase(Locale.ROOT));
    }

    public static String opaque(String why) {
        return OPAQUE + why;
    }

    public static boolean isOpaque(String project) {
        return project != null && project.startsWith(OPAQUE);
    }

    /** Whether a project pattern names this project; an opaque project is matched by every pattern. */
    public static boolean targets(String pattern, String project) {
        if (project == null || project.isEmpty()) {
            return false;
        }
        return isOpaque(project) || named(pattern, project);
    }

    /** Whether a project exception exempts this project: never an opaque one or none. */
    public static boolean exempts(String pattern, String project) {
        return project != null && !project.isEmpty() && !isOpaque(project) && named(pattern, project);
    }

    /** A pattern with a slash against the whole remote; a bare one against the repository name (the last segment). */
    private static boolean named(String pattern, String project) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String name = project.toLowerCase(Locale.ROOT);
        return Wildcard.matches(p, p.indexOf('/') >= 0 ? name : name.substring(name.lastIndexOf('/') + 1));
    }
}
