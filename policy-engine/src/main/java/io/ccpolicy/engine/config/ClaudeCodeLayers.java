package io.ccpolicy.engine.config;

import java.util.List;
import java.util.Map;

/**
 * Claude Code's own configuration files as the host read them (parsed JSON; empty maps for missing files):
 * the project's {@code .mcp.json} and {@code .claude/settings.json}, the user's {@code ~/.claude.json} and
 * {@code ~/.claude/settings.json}, the project's absolute path (for the per-project section of {@code ~/.claude.json}),
 * and the skills found in the project's and the user's skills folders.
 */
public record ClaudeCodeLayers(Map<String, Object> projectMcpJson, Map<String, Object> projectSettings,
        Map<String, Object> userClaudeJson, Map<String, Object> userSettings, String projectPath, List<String> projectSkills,
        List<String> userSkills) {

    public ClaudeCodeLayers {
        projectMcpJson = projectMcpJson == null ? Map.of() : projectMcpJson;
        projectSettings = projectSettings == null ? Map.of() : projectSettings;
        userClaudeJson = userClaudeJson == null ? Map.of() : userClaudeJson;
        userSettings = userSettings == null ? Map.of() : userSettings;
        projectPath = projectPath == null ? "" : projectPath;
        projectSkills = projectSkills == null ? List.of() : List.copyOf(projectSkills);
        userSkills = userSkills == null ? List.of() : List.copyOf(userSkills);
    }
}
