package io.ccpolicy.engine.eval;

/**
 * One value a target takes from an event. {@code opaque} marks a value that could not be determined (a shell variable,
 * a command substitution, an unparseable command): policies read it as the most restrictive case. {@code glob} marks
 * a shell pattern such as {@code /tmp/*.log} that stands for the paths it may expand to.
 */
record Value(String text, boolean opaque, boolean glob) {

    static Value of(String text) {
        return new Value(text, false, false);
    }

    static Value opaque(String text) {
        return new Value(text, true, false);
    }

    static Value path(String normalized) {
        return new Value(normalized, false, Wildcard.hasShellGlob(normalized));
    }
}
