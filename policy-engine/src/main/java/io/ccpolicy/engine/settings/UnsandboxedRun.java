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
 * {@code dangerouslyDisableSandbox}. The rewrite runs the command in a fresh bash, named by absolute paths (a name with a
 * slash is never a shell function or an alias), without start-up files or {@code BASH_ENV}, with a {@code PATH} of the
 * system directories only: the names the engine proved are the system's programs, not a function from the user's shell
 * snapshot or a file a project put on the user's {@code PATH}.
 */
public final class UnsandboxedRun {

    static final String PREFIX = "/usr/bin/env -u BASH_ENV -u ENV PATH=/usr/bin:/bin /bin/bash --noprofile --norc -c '";

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
                .map(SandboxCompiler::directory).map(e -> caseInsensitive ? e.toLowerCase(Locale.ROOT) : e).toList();
    }

    private static boolean within(String path, List<String> dirs, boolean caseInsensitive) {
        String p = caseInsensitive ? path.toLowerCase(Locale.ROOT) : path;
        return dirs.stream().anyMatch(d -> d.isEmpty() || p.equals(d) || p.startsWith(d + "/"));
    }

    /**
     * Whether Claude Code settings ({@code permissions.deny} or {@code ask}) hold a rule on Bash commands. Such a rule
     * is matched against the command as it runs, and the rewrite would hide the proven command from it, so a rule keeps
     * every command in the sandbox.
     */
    public static boolean bashRulesIn(Map<?, ?> settings) {
        if (!(settings.get("permissions") instanceof Map<?, ?> permissions)) {
            return false;
        }
        for (String kind : List.of("deny", "ask")) {
            if (permissions.get(kind) instanceof List<?> rules && rules.stream().anyMatch(r -> String.valueOf(r).startsWith("Bash"))) {
                return true;
            }
        }
        return false;
    }

    /** The command as it runs outside the sandbox. */
    public static String command(String proven) {
        return PREFIX + proven.replace("'", "'\\''") + "'";
    }

    /** The command the engine proved, when {@code command} is one this class wrote; empty for any other text. */
    public static Optional<String> proven(String command) {
        if (!command.startsWith(PREFIX) || !command.endsWith("'") || command.length() <= PREFIX.length() + 1) {
            return Optional.empty();
        }
        String inner = command.substring(PREFIX.length(), command.length() - 1).replace("'\\''", "'");
        return command.equals(command(inner)) ? Optional.of(inner) : Optional.empty();
    }
}
