package io.ccpolicy.engine.settings;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.HostPaths;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.eval.Wildcard;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How a Bash command proven read-only runs outside the OS sandbox: Claude Code runs it as the agent rewrote it, with
 * {@code dangerouslyDisableSandbox}. The rewrite puts a fixed first line before the command: no alias (the user's shell
 * snapshot may define them; a line is read whole before it runs, hence the line break) and a {@code PATH} of the system
 * directories only, so the names the engine proved are the system's programs and not a file a project put on the
 * user's {@code PATH}.
 */
public final class UnsandboxedRun {

    static final String FIRST_LINE = "\\unalias -a 2>/dev/null; PATH=/usr/bin:/bin\n";

    private UnsandboxedRun() {
    }

    /**
     * Whether the decided Bash command runs outside the sandbox: allowed (or only warned about), proven read-only, the
     * policy's sandbox lets proven commands skip it, and nothing it reads is a path the sandbox hides ({@code denyRead},
     * by its own and its real path). With such paths, a glob or recursive read is not proven: it may reach them through a
     * link the engine cannot see.
     */
    public static boolean permits(Decision decision, SandboxPlan plan, String home, HostPaths paths) {
        if (!decision.provenReadOnly() || !plan.skip().provenReadOnly()
                || (decision.verdict() != Verdict.ALLOW && decision.verdict() != Verdict.WARN)) {
            return false;
        }
        List<String> hidden = hidden(plan, home, paths.caseInsensitive());
        if (hidden.isEmpty()) {
            return true;
        }
        for (String read : decision.reads()) {
            if (read.startsWith(Decision.UNKNOWN_PATH) || Wildcard.hasShellGlob(read) || within(read, hidden, paths.caseInsensitive())
                    || within(paths.realPath(read), hidden, paths.caseInsensitive())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> hidden(SandboxPlan plan, String home, boolean caseInsensitive) {
        Object filesystem = plan.settings().get("filesystem");
        Object denyRead = filesystem instanceof Map<?, ?> f ? f.get("denyRead") : null;
        if (!(denyRead instanceof List<?> entries)) {
            return List.of();
        }
        return entries.stream().map(Object::toString).map(e -> e.startsWith("~/") ? home + e.substring(1) : e)
                .map(e -> e.replaceAll("(/\\*\\*)?/*$", "")).map(e -> caseInsensitive ? e.toLowerCase(Locale.ROOT) : e).toList();
    }

    private static boolean within(String path, List<String> dirs, boolean caseInsensitive) {
        String p = caseInsensitive ? path.toLowerCase(Locale.ROOT) : path;
        return dirs.stream().anyMatch(d -> d.isEmpty() || p.equals(d) || p.startsWith(d + "/"));
    }

    /** The command as it runs outside the sandbox. */
    public static String command(String proven) {
        return FIRST_LINE + proven;
    }

    /** The command the engine proved, when {@code command} is one this class wrote; empty for any other text. */
    public static Optional<String> proven(String command) {
        return command.startsWith(FIRST_LINE) && command.length() > FIRST_LINE.length()
                ? Optional.of(command.substring(FIRST_LINE.length())) : Optional.empty();
    }
}
