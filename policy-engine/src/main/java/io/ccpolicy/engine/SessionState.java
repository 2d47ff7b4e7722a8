package io.ccpolicy.engine;

import java.util.Collection;

/**
 * The tokens a session has used so far, by kind, each API message counted once (main conversation and subagents):
 * {@code input}, {@code output}, {@code cache_creation} (input written to the prompt cache) and {@code cache_read}
 * (input read from it). When only a total is known ({@link #total}), it stands for any selection of kinds: what
 * cannot be told apart is not assumed smaller.
 */
public record SessionState(long input, long output, long cacheCreation, long cacheRead, boolean split) {

    public static final SessionState NEW = total(0);

    /** Every kind a limit policy may count; a policy without {@code count} counts them all. */
    public static final java.util.List<String> KINDS = java.util.List.of("input", "output", "cache_creation", "cache_read");

    public static SessionState of(long input, long output, long cacheCreation, long cacheRead) {
        return new SessionState(input, output, cacheCreation, cacheRead, true);
    }

    /** A session known only by its total (an audit event's tokenCount, a test case's tokens). */
    public static SessionState total(long tokens) {
        return new SessionState(tokens, 0, 0, 0, false);
    }

    /** All tokens, every kind. */
    public long tokens() {
        return input + output + cacheCreation + cacheRead;
    }

    /** The tokens of these kinds (of {@link #KINDS}). */
    public long tokens(Collection<String> kinds) {
        if (!split) {
            return tokens();
        }
        return (kinds.contains("input") ? input : 0) + (kinds.contains("output") ? output : 0)
                + (kinds.contains("cache_creation") ? cacheCreation : 0) + (kinds.contains("cache_read") ? cacheRead : 0);
    }
}
