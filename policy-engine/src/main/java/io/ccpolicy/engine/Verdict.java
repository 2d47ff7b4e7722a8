package io.ccpolicy.engine;

import java.util.Arrays;
import java.util.Optional;

/** The outcome for one event, strongest last: deny beats ask beats warn beats allow. */
public enum Verdict {
    ALLOW("allow"),
    WARN("warn"),
    ASK("ask"),
    DENY("deny");

    private final String yaml;

    Verdict(String yaml) {
        this.yaml = yaml;
    }

    public String yaml() {
        return yaml;
    }

    public Verdict strongest(Verdict other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    public static Optional<Verdict> fromYaml(String text) {
        return Arrays.stream(values()).filter(v -> v.yaml.equals(text)).findFirst();
    }
}
