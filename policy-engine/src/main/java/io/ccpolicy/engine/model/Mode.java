package io.ccpolicy.engine.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a policy acts on a violation. {@code enforce} (default) follows its severity; {@code warn} never blocks but
 * warns; {@code audit} is shadow mode: nothing is shown or blocked, the would-be verdict is recorded.
 */
public enum Mode {
    ENFORCE("enforce"),
    WARN("warn"),
    AUDIT("audit");

    private final String yaml;

    Mode(String yaml) {
        this.yaml = yaml;
    }

    public String yaml() {
        return yaml;
    }

    public static Optional<Mode> fromYaml(String text) {
        return Arrays.stream(values()).filter(m -> m.yaml.equals(text)).findFirst();
    }
}
