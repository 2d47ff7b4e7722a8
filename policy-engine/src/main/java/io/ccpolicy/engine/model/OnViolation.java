package io.ccpolicy.engine.model;

import java.util.Arrays;
import java.util.Optional;

/** For an error-severity violation: refuse outright ({@code deny}, default) or make Claude Code ask the user. */
public enum OnViolation {
    DENY("deny"),
    ASK("ask");

    private final String yaml;

    OnViolation(String yaml) {
        this.yaml = yaml;
    }

    public String yaml() {
        return yaml;
    }

    public static Optional<OnViolation> fromYaml(String text) {
        return Arrays.stream(values()).filter(o -> o.yaml.equals(text)).findFirst();
    }
}
