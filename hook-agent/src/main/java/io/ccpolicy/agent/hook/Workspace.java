package io.ccpolicy.agent.hook;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.ConfigurationSnapshot;
import io.ccpolicy.engine.config.ClaudeCodeLayers;
import io.ccpolicy.engine.eval.ConfigFiles;
import io.ccpolicy.engine.eval.Paths;
import io.ccpolicy.engine.model.Projects;
import io.ccpolicy.engine.settings.UnsandboxedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads what Claude Code itself reads for a project: CLAUDE.md files, skills, MCP server configuration, and the
 * current content of a configuration file a tool call is about to edit. The engine decides; this class only reads.
 */
public final class Workspace {

    private static final long MAX_FILE_BYTES = 1024 * 1024;
    private final String home;
    private final Map<String, Path> roots = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Path, Origin> projects = new java.util.concurrent.ConcurrentHashMap<>();

    public Workspace(String home) {
        this.home = home;
    }

    public String home() {
        return home;
    }

    /** The project root: the nearest ancestor of cwd holding .git, else cwd itself (looked up once per directory). */
    public Path projectRoot(String cwd) {
        if (roots.size() > 10_000) {
            roots.clear();
            projects.clear();
        }
        return roots.computeIfAbsent(cwd, this::findRoot);
    }

    private Path findRoot(String cwd) {
        Path start = Path.of(cwd.isEmpty() ? home : cwd);
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
            if (p.toString().equals(home)) {
                break;
            }
        }
        return start;
    }

    /**
     * The session's project: the normalised URL of the repository's {@code origin} remote (see {@link Projects}), "" for a
     * checkout without one (or no repository), opaque when the git configuration could rewrite or include the URL.
     */
    public String projectName(String cwd) {
        Path config = gitConfig(projectRoot(cwd).resolve(".git"));
        if (config == null) {
            return "";
        }
        long modified;
        try {
            modified = Files.getLastModifiedTime(config).toMillis();
        } catch (IOException e) {
            return Projects.opaque("cannot read " + config + ": " + e.getMessage());
        }
        // read again when the file changes (git remote set-url), else from memory: one stat per call
        Origin known = projects.get(config);
        if (known == null || known.modified() != modified) {
            known = new Origin(modified, originOf(config));
            projects.put(config, known);
        }
        return known.project();
    }

    private record Origin(long modified, String project) {
    }

    private static String originOf(Path config) {
        List<String> lines;
        try {
            lines = Files.readAllLines(config);
        } catch (IOException e) {
            return Projects.opaque("cannot read " + config + ": " + e.getMessage());
        }
        String section = "";
        String origin = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                section = line.replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
                if (section.startsWith("[include") || section.startsWith("[url ")) {
                    return Projects.opaque(config + " includes other files or rewrites URLs (" + line + ")");
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (section.equals("[remote \"origin\"]") && eq > 0 && line.substring(0, eq).strip().equalsIgnoreCase("url")) {
                if (origin != null) {
                    return Projects.opaque(config + " gives origin more than one URL");
                }
                origin = line.substring(eq + 1).strip().replaceAll("^\"|\"$", "");
            }
        }
        if (origin == null) {
            return "";
        }
        return Projects.normalise(origin).orElse("");
    }

    /** The config file of a repository's {@code .git}: the directory's, or (worktrees, submodules) the one its gitdir file names. */
    private static Path gitConfig(Path dotGit) {
        try {
            if (Files.isDirectory(dotGit)) {
                return Files.isRegularFile(dotGit.resolve("config")) ? dotGit.resolve("config") : null;
            }
            if (!Files.isRegularFile(dotGit)) {
                return null;
            }
            String pointer = Files.readString(dotGit).strip();
            if (!pointer.startsWith("gitdir:")) {
                return null;
            }
            Path gitDir = dotGit.getParent().resolve(pointer.substring("gitdir:".length()).strip()).normalize();
            Path common = gitDir.resolve("commondir");
            if (Files.isRegularFile(common)) {
                gitDir = gitDir.resolve(Files.readString(common).strip()).normalize();
            }
            return Files.isRegularFile(gitDir.resolve("config")) ? gitDir.resolve("config") : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Everything a configuration event is checked against. */
    public ConfigurationSnapshot snapshot(String cwd, List<String> mcpServers, List<String> skills) {
        Path root = projectRoot(cwd);
        List<ConfigurationSnapshot.ClaudeMdFile> memory = new ArrayList<>();
        for (Path file : List.of(root.resolve("CLAUDE.md"), root.resolve(".claude/CLAUDE.md"), root.resolve("CLAUDE.local.md"),
                Path.of(home, ".claude/CLAUDE.md"))) {
            read(file).ifPresent(c -> memory.add(new ConfigurationSnapshot.ClaudeMdFile(file.toString(), c)));
        }
        for (Path rules : List.of(root.resolve(".claude/rules"), Path.of(home, ".claude/rules"))) {
            for (Path file : list(rules, ".md")) {
                read(file).ifPresent(c -> memory.add(new ConfigurationSnapshot.ClaudeMdFile(file.toString(), c)));
            }
        }
        return new ConfigurationSnapshot(memory, skills, mcpServers, Map.of());
    }

    /** A single instructions file, as InstructionsLoaded reports it. */
    public ConfigurationSnapshot instructions(String filePath) {
        return read(Path.of(filePath)).map(c -> new ConfigurationSnapshot(List.of(new ConfigurationSnapshot.ClaudeMdFile(filePath, c)),
                List.of(), List.of(), Map.of())).orElse(ConfigurationSnapshot.NONE);
    }

    /** For a Write/Edit of a configuration file: its current content, so the engine checks what the edit produces. */
    public ConfigurationSnapshot beforeEdit(String rawPath, String cwd) {
        if (rawPath.isEmpty()) {
            return ConfigurationSnapshot.NONE;
        }
        String path = Paths.normalize(rawPath, cwd.isEmpty() ? home : cwd, home);
        if (ConfigFiles.targetOf(path).isEmpty()) {
            return ConfigurationSnapshot.NONE;
        }
        return read(Path.of(path)).map(c -> new ConfigurationSnapshot(List.of(), List.of(), List.of(), Map.of(path, c)))
                .orElse(ConfigurationSnapshot.NONE);
    }

    /** Claude Code's own files for this project and user, for the layered merge. */
    public ClaudeCodeLayers layers(String cwd) {
        Path root = projectRoot(cwd);
        return new ClaudeCodeLayers(json(root.resolve(".mcp.json")), json(root.resolve(".claude/settings.json")),
                json(Path.of(home, ".claude.json")), json(Path.of(home, ".claude/settings.json")), root.toString(),
                skills(root.resolve(".claude/skills")), skills(Path.of(home, ".claude/skills")));
    }

    private static Map<String, Object> json(Path file) {
        return read(file).flatMap(text -> Json.object(text, new String[1])).orElse(Map.of());
    }

    /** The skills in a skills folder: its sub-folders holding a SKILL.md. */
    public static List<String> skills(Path folder) {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> entries = Files.list(folder)) {
                entries.filter(d -> Files.isRegularFile(d.resolve("SKILL.md"))).map(d -> d.getFileName().toString()).sorted()
                        .forEach(names::add);
            } catch (IOException e) {
                // unreadable skills folder: nothing from it
            }
        }
        return names;
    }

    private static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Whether the project's or the user's Claude Code settings hold permission rules on Bash commands
     * ({@link UnsandboxedRun#bashRulesIn}); a settings file that exists but cannot be read counts as holding one.
     */
    public boolean bashRules(String cwd) {
        Path root = projectRoot(cwd);
        return Stream.of(root.resolve(".claude/settings.json"), root.resolve(".claude/settings.local.json"), Path.of(home, ".claude/settings.json"))
                .filter(Files::exists)
                .anyMatch(file -> read(file).flatMap(text -> Json.object(text, new String[1])).map(UnsandboxedRun::bashRulesIn).orElse(true));
    }

    private static java.util.Optional<String> read(Path file) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) <= MAX_FILE_BYTES) {
                return java.util.Optional.of(Files.readString(file));
            }
        } catch (IOException e) {
            // unreadable (permissions, not UTF-8): treated as absent
        }
        return java.util.Optional.empty();
    }
}
