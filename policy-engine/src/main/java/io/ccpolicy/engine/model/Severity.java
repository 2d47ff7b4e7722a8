package io.ccpolicy.engine.model;

import java.util.Arrays;
import java.util.Optional;

/** error blocks, warning allows with a visible warning, info only records. */
public enum Severity {
    ERROR("error"),
    WARNING("warning"),
    INFO("info");

    private final String yaml;

    Severity(String yaml) {
        this.yaml = yaml;
    }

    public String yaml() {
        return yaml;
    }

    public static Optional<Severity> fromYaml(String text) {
        return Arrays.stream(values()).filter(s -> s.yaml.equals(text)).findFirst();
    }
}
