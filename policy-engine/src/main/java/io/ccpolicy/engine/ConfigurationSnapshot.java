package io.ccpolicy.engine;

import java.util.List;
import java.util.Map;

/**
 * The Claude Code configuration the host read for this event: CLAUDE.md files (path and content), available skills,
 * configured MCP servers, and the current content of files a tool call is about to edit (by absolute path), so the
 * engine can check the content an Edit would produce. The engine never reads files itself.
 */
public record ConfigurationSnapshot(List<ClaudeMdFile> claudeMd, List<String> skills, List<String> mcpServers,
        Map<String, String> fileContents) {

    public static final ConfigurationSnapshot NONE = new ConfigurationSnapshot(List.of(), List.of(), List.of(), Map.of());

    public ConfigurationSnapshot {
        claudeMd = List.copyOf(claudeMd);
        skills = List.copyOf(skills);
        mcpServers = List.copyOf(mcpServers);
        fileContents = Map.copyOf(fileContents);
    }

    public record ClaudeMdFile(String path, String content) {
    }
}
