package io.ccpolicy.engine.model;

import java.util.Arrays;
import java.util.Optional;

/** What kind of rule a policy is; {@code yaml} is how the document spells it. */
public enum PolicyType {
    /** Only the listed values are allowed. */
    ALLOWLIST("allowlist"),
    /** The listed values are refused. */
    DENYLIST("denylist"),
    /** A value matching the regular expression is refused. */
    PATTERN_DENY("pattern-deny"),
    /** The listed values must be present. */
    REQUIRE("require"),
    /** A number must not exceed {@code max}. */
    LIMIT("limit");

    private final String yaml;

    PolicyType(String yaml) {
        this.yaml = yaml;
    }

    public String yaml() {
        return yaml;
    }

    public static Optional<PolicyType> fromYaml(String text) {
        return Arrays.stream(values()).filter(t -> t.yaml.equals(text)).findFirst();
    }
}
