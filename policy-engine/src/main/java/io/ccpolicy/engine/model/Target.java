package io.ccpolicy.engine.model;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a policy inspects. Each target says which policy types make sense for it; the module README defines exactly
 * which value each target takes from which event.
 */
public enum Target {
    TOOL("tool", EnumSet.of(PolicyType.ALLOWLIST, PolicyType.DENYLIST, PolicyType.PATTERN_DENY)),
    MCP_SERVERS("mcpServers", EnumSet.of(PolicyType.ALLOWLIST, PolicyType.DENYLIST, PolicyType.PATTERN_DENY, PolicyType.REQUIRE)),
    CLAUDE_MD("claudeMd", EnumSet.of(PolicyType.PATTERN_DENY, PolicyType.REQUIRE)),
    SKILLS("skills", EnumSet.of(PolicyType.ALLOWLIST, PolicyType.DENYLIST, PolicyType.PATTERN_DENY, PolicyType.REQUIRE)),
    SESSION_TOKENS("sessionTokens", EnumSet.of(PolicyType.LIMIT)),
    WRITE_PATH("writePath", EnumSet.of(PolicyType.ALLOWLIST, PolicyType.DENYLIST, PolicyType.PATTERN_DENY)),
    READ_PATH("readPath", EnumSet.of(PolicyType.ALLOWLIST, PolicyType.DENYLIST, PolicyType.PATTERN_DENY)),
    BASH_COMMAND("bashCommand", EnumSet.of(PolicyType.ALLOWLIST, PolicyType.DENYLIST, PolicyType.PATTERN_DENY)),
    WEB_DOMAIN("webDomain", EnumSet.of(PolicyType.ALLOWLIST, PolicyType.DENYLIST, PolicyType.PATTERN_DENY)),
    PROMPT("prompt", EnumSet.of(PolicyType.DENYLIST, PolicyType.PATTERN_DENY));

    private final String yaml;
    private final Set<PolicyType> types;

    Target(String yaml, Set<PolicyType> types) {
        this.yaml = yaml;
        this.types = types;
    }

    public String yaml() {
        return yaml;
    }

    public boolean accepts(PolicyType type) {
        return types.contains(type);
    }

    public Set<PolicyType> acceptedTypes() {
        return types;
    }

    public boolean isPath() {
        return this == WRITE_PATH || this == READ_PATH;
    }

    /** The guide also writes {@code tools} for the tool target (its denylist example). */
    public static Optional<Target> fromYaml(String text) {
        if ("tools".equals(text)) {
            return Optional.of(TOOL);
        }
        for (Target target : values()) {
            if (target.yaml.equals(text)) {
                return Optional.of(target);
            }
        }
        return Optional.empty();
    }
}
