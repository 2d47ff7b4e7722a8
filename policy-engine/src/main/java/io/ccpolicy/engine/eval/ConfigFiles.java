package io.ccpolicy.engine.eval;

import io.ccpolicy.engine.model.Target;
import java.util.Optional;

/**
 * Which files are Claude Code configuration, so that a tool call writing them is checked against the configuration
 * policies too: CLAUDE.md memory files ({@code CLAUDE.md}, {@code CLAUDE.local.md}, {@code .claude/rules/*.md}), MCP
 * server lists ({@code .mcp.json}, {@code ~/.claude.json}, {@code .claude/settings*.json}) and skills
 * ({@code .claude/skills/<name>/SKILL.md}).
 */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /** The configuration target a write to this (normalized, absolute) path affects, if any. */
    public static Optional<Target> targetOf(String path) {
        String name = PathPattern.basename(path);
        if (name.equals("CLAUDE.md") || name.equals("CLAUDE.local.md") || (path.contains("/.claude/rules/") && name.endsWith(".md"))) {
            return Optional.of(Target.CLAUDE_MD);
        }
        if (name.equals(".mcp.json") || name.equals(".claude.json") || name.equals("managed-mcp.json")
                || (path.contains("/.claude/") && name.startsWith("settings") && name.endsWith(".json"))) {
            return Optional.of(Target.MCP_SERVERS);
        }
        if (skillName(path).isPresent()) {
            return Optional.of(Target.SKILLS);
        }
        return Optional.empty();
    }

    /** The skill a {@code .claude/skills/<name>/SKILL.md} path defines. */
    public static Optional<String> skillName(String path) {
        int at = path.indexOf("/.claude/skills/");
        if (at < 0 || !path.endsWith("/SKILL.md")) {
            return Optional.empty();
        }
        String rest = path.substring(at + "/.claude/skills/".length(), path.length() - "/SKILL.md".length());
        return rest.isEmpty() || rest.contains("/") ? Optional.empty() : Optional.of(rest);
    }
}
