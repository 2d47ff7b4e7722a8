package io.ccpolicy.engine.eval;

import java.util.List;

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

    /** Whether everything the command does is known: nothing opaque and no program whose effects only the sandbox sees. */
    boolean fullyKnown() {
        return problem == null && programs.isEmpty() && commands.stream().noneMatch(Value::opaque) && writes.stream().noneMatch(Value::opaque)
                && reads.stream().noneMatch(Value::opaque) && hosts.stream().noneMatch(Value::opaque);
    }
}
