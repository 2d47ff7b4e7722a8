package io.ccpolicy.engine;

import java.time.Instant;
import java.util.List;

/**
 * The engine's answer for one event. {@code verdict} is what the host enforces; {@code wouldBe} differs when policies in
 * audit mode would have acted. {@code message} is the text to show (the POLICY VIOLATION box for a deny or ask, the
 * warnings for a warn, empty for an allow). {@code expiredExceptions} lists exceptions that would have applied but have
 * expired. {@code policyRevision} and {@code policySha256} identify the policy version that decided. {@code checked}
 * names every policy that applied to the event and was checked, matched or not (the guide's policyCheck.policies).
 * {@code writes} and {@code reads} are the paths the event writes and reads as the engine read them (a Bash command's
 * included); a path the engine cannot know reads {@value #UNKNOWN_PATH} followed by why. {@code hosts} are the network
 * hosts it contacts. {@code effectsKnown} is false when the engine cannot tell everything the event does: a Bash command
 * with an opaque part or a program whose behaviour is not on its command line ({@code make}, {@code ./run.sh}).
 * {@code provenReadOnly} is true for a Bash command proven to only read and print through commands that run nothing
 * else: it behaves the same inside Claude Code's OS sandbox and outside it.
 */
public record Decision(String decisionId, Verdict verdict, Verdict wouldBe, List<PolicyMatch> matches,
        List<String> exceptionsApplied, List<String> expiredExceptions, String policyRevision, String policySha256,
        String message, Instant evaluatedAt, List<String> checked, List<String> writes, List<String> reads, List<String> hosts, boolean effectsKnown,
        boolean provenReadOnly) {

    /** How a path the engine cannot know (a variable, a substitution) starts in {@link #writes} and {@link #reads}. */
    public static final String UNKNOWN_PATH = "(unknown) ";

    public Decision {
        writes = List.copyOf(writes);
        reads = List.copyOf(reads);
        hosts = List.copyOf(hosts);
        checked = List.copyOf(checked);
        matches = List.copyOf(matches);
        exceptionsApplied = List.copyOf(exceptionsApplied);
        expiredExceptions = List.copyOf(expiredExceptions);
    }
}
