package io.ccpolicy.engine.settings;

import java.util.List;
import java.util.Map;

/**
 * Claude Code's OS sandbox as the policy compiles it: the mode the document chose (or its default), the {@code sandbox}
 * settings to emit, and for every policy value how it maps, so a platform team can see where a glob was made tighter or
 * is left to the hook.
 */
public record SandboxPlan(Mode mode, Map<String, Object> settings, List<Mapping> mappings, Skip skip) {

    /**
     * Whether a Bash command the engine proves read-only may run outside the sandbox ({@code enforcement.os_sandbox_skip}),
     * and why or why not.
     */
    public record Skip(boolean provenReadOnly, String why) {
    }

    public enum Mode {
        REQUIRED("required"), BEST_EFFORT("best-effort"), OFF("off");

        private final String yaml;

        Mode(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    /** One policy value and what it became in the sandbox settings ({@code emitted} empty: enforced by the hook only). */
    public record Mapping(String policy, String setting, String value, List<String> emitted, String note) {
    }

    public boolean active() {
        return mode != Mode.OFF;
    }
}
