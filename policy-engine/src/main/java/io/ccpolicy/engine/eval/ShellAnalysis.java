package io.ccpolicy.engine.eval;

import java.util.List;
import java.util.Set;

/**
 * What a shell command would do, read without running it: every simple command (wrappers such as {@code sudo},
 * {@code env}, {@code sh -c} unwrapped), the paths it writes and reads, and the hosts it contacts. Opaque values stand for
 * what cannot be known before it runs (every policy on these targets treats them as the most restrictive case);
 * {@code programs} are the commands whose own behaviour is not on the command line ({@code make}, {@code ./gradlew}),
 * which only the OS sandbox confines; {@code mcpServers} are the MCP servers it adds to Claude Code ({@code claude mcp add}).
 * An unparseable command yields {@code problem} and opaque values.
 */
record ShellAnalysis(List<Value> commands, List<Value> writes, List<Value> reads, List<Value> hosts, List<Value> programs,
        List<Value> mcpServers, String problem) {

    boolean unparseable() {
        return problem != null;
    }

    /**
     * Commands that read only what their operands name and print: none reads configuration that runs code, starts another
     * program or opens a connection. Only these may run outside the OS sandbox. Left out on purpose: {@code git} (hooks,
     * fsmonitor and filters from a writable {@code .git/config}), {@code rg} (preprocessors, its config file), {@code diff}
     * and {@code tree} (recursion and output files this model does not follow), scripts such as {@code which} and
     * {@code egrep}, everything that can set system state ({@code date}, {@code hostname}), and {@code cd}: an
     * unsandboxed run happens in a shell of its own, where a directory change would not outlive the command.
     */
    static final Set<String> SELF_CONTAINED = Set.of("cat", "head", "tail", "wc", "ls", "grep", "find", "stat", "du", "sort", "uniq",
            "cut", "tr", "nl", "tac", "cmp", "comm", "basename", "dirname", "realpath", "readlink", "md5sum", "sha1sum", "sha256sum",
            "sha512sum", "column", "fold", "rev", "od", "xxd", "hexdump", "strings", "pwd", "echo", "printf", "true", "false",
            ":", "test", "[");

    /**
     * Whether the command is proven to only read: everything known, no write but to a device such as {@code /dev/null}, no
     * host, no device or process file read, and every command one of {@link #SELF_CONTAINED}. Such a command runs the
     * same inside the OS sandbox and outside it.
     */
    boolean provenReadOnly() {
        return fullyKnown() && !commands.isEmpty() && writes.isEmpty() && hosts.isEmpty()
                && reads.stream().noneMatch(r -> r.text().startsWith("/dev/") || r.text().startsWith("/proc/"))
                && commands.stream().allMatch(c -> SELF_CONTAINED.contains(name(c.text())));
    }

    private static String name(String command) {
        int space = command.indexOf(' ');
        return space < 0 ? command : command.substring(0, space);
    }

    /** Whether everything the command does is known: nothing opaque and no program whose effects only the sandbox sees. */
    boolean fullyKnown() {
        return problem == null && programs.isEmpty() && commands.stream().noneMatch(Value::opaque) && writes.stream().noneMatch(Value::opaque)
                && reads.stream().noneMatch(Value::opaque) && hosts.stream().noneMatch(Value::opaque);
    }
}
