package io.ccpolicy.engine.eval;

import java.util.List;

/**
 * What a shell command would do, read without running it: every simple command (wrappers such as {@code sudo},
 * {@code env}, {@code sh -c} unwrapped), the paths it writes and reads, and the hosts it contacts. An unparseable command
 * yields {@code problem} and opaque values, which every policy on these targets treats as the most restrictive case.
 */
record ShellAnalysis(List<Value> commands, List<Value> writes, List<Value> reads, List<Value> hosts, String problem) {

    boolean unparseable() {
        return problem != null;
    }
}
