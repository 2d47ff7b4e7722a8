package io.ccpolicy.engine.eval;

import io.ccpolicy.engine.ConfigurationSnapshot;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.HostPaths;
import io.ccpolicy.engine.model.Target;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * One event as the policies see it: which targets apply, and each target's values, computed on first use and kept.
 * The module README defines each target; this class is that definition in code.
 */
final class EventView {

    private static final Set<String> CONFIG_EVENTS = Set.of("SessionStart", "ConfigChange", "InstructionsLoaded", "Setup");
    private static final Set<String> WRITE_TOOLS = Set.of("Write", "Edit", "MultiEdit");
    private static final Set<String> READ_TOOLS = Set.of("Read", "NotebookRead", "Glob", "Grep", "LS");

    final DecisionRequest request;
    final HookEvent event;
    final String tool;
    final String cwd;
    final String home;
    /** The host's file system ignores case: paths and patterns are compared lower-cased. */
    final boolean foldCase;
    private final EnumSet<Target> targets;
    private final Map<Target, List<Value>> values = new EnumMap<>(Target.class);
    private ShellAnalysis shell;
    private Map<String, CommandPattern.Shape> shapes;
    private String writtenPath;

    EventView(DecisionRequest request) {
        this.request = request;
        this.event = request.event();
        this.tool = normalizeTool(event.toolName());
        this.home = request.paths().windows() ? Paths.fromWindows(request.home()) : request.home();
        this.foldCase = request.paths().caseInsensitive();
        String eventCwd = request.paths().windows() ? Paths.fromWindows(event.cwd()) : event.cwd();
        this.cwd = eventCwd.isEmpty() ? home : Paths.normalize(eventCwd, "/", home);
        this.targets = targets();
    }

    static String normalizeTool(String name) {
        return name.equals("Task") ? "Agent" : name;
    }

    boolean isConfigurationEvent() {
        return CONFIG_EVENTS.contains(event.name());
    }

    boolean applies(Target target) {
        return targets.contains(target);
    }

    EnumSet<Target> targetSet() {
        return targets;
    }

    private EnumSet<Target> targets() {
        EnumSet<Target> set = EnumSet.noneOf(Target.class);
        if (!tool.isEmpty()) {
            set.add(Target.TOOL);
            set.add(Target.SESSION_TOKENS);
            if (tool.startsWith("mcp__")) {
                set.add(Target.MCP_SERVERS);
            }
            if (WRITE_TOOLS.contains(tool) || tool.equals("NotebookEdit")) {
                set.add(Target.WRITE_PATH);
                ConfigFiles.targetOf(writtenPath()).ifPresent(set::add);
            } else if (READ_TOOLS.contains(tool)) {
                set.add(Target.READ_PATH);
            } else if (tool.equals("Bash")) {
                set.add(Target.BASH_COMMAND);
                set.add(Target.WRITE_PATH);
                set.add(Target.READ_PATH);
                set.add(Target.WEB_DOMAIN);
                if (!shell().mcpServers().isEmpty()) {
                    set.add(Target.MCP_SERVERS);
                }
                for (Value write : shell().writes()) {
                    if (write.opaque()) {
                        continue;
                    }
                    ConfigFiles.targetOf(write.text()).ifPresent(set::add);
                }
            } else if (tool.equals("WebFetch") || tool.equals("WebSearch")) {
                set.add(Target.WEB_DOMAIN);
            } else if (tool.equals("Skill")) {
                set.add(Target.SKILLS);
            }
        } else if (event.name().equals("UserPromptSubmit")) {
            set.add(Target.PROMPT);
            set.add(Target.SESSION_TOKENS);
        } else if (isConfigurationEvent()) {
            set.add(Target.CLAUDE_MD);
            set.add(Target.SKILLS);
            set.add(Target.MCP_SERVERS);
        }
        return set;
    }

    CommandPattern.Shape shape(Value command) {
        if (shapes == null) {
            shapes = new java.util.HashMap<>();
        }
        return shapes.computeIfAbsent(command.text(), CommandPattern.Shape::of);
    }

    ShellAnalysis shell() {
        if (shell == null) {
            shell = ShellAnalyzer.analyze(event.inputString("command"), cwd, home);
        }
        return shell;
    }

    private String writtenPath() {
        if (writtenPath == null) {
            String raw = tool.equals("NotebookEdit") ? event.inputString("notebook_path") : event.inputString("file_path");
            raw = request.paths().windows() ? Paths.fromWindows(raw) : raw;
            writtenPath = raw.isEmpty() ? "" : Paths.normalize(raw, cwd, home);
        }
        return writtenPath;
    }

    List<Value> values(Target target) {
        List<Value> cached = values.get(target);
        if (cached == null) {
            cached = compute(target);
            values.put(target, cached);
        }
        return cached;
    }

    private List<Value> compute(Target target) {
        ConfigurationSnapshot config = request.configuration();
        return switch (target) {
            case TOOL -> List.of(Value.of(tool));
            case SESSION_TOKENS -> List.of(Value.of(Long.toString(request.session().tokens())));
            case PROMPT -> List.of(Value.of(event.string("prompt")));
            case BASH_COMMAND -> shell().commands();
            case WRITE_PATH -> withRealPaths(tool.equals("Bash") ? shell().writes() : pathValue(writtenPath()));
            case READ_PATH -> withRealPaths(tool.equals("Bash") ? shell().reads() : readPaths());
            case WEB_DOMAIN -> tool.equals("Bash") ? shell().hosts() : webHosts();
            case MCP_SERVERS -> tool.isEmpty() ? names(config.mcpServers()) : toolMcpServers();
            case SKILLS -> tool.isEmpty() ? names(config.skills()) : toolSkills();
            case CLAUDE_MD -> tool.isEmpty() ? config.claudeMd().stream().map(f -> Value.of(f.content())).toList()
                    : producedOrOpaque(Target.CLAUDE_MD).map(List::of).orElse(List.of());
        };
    }

    /**
     * Each path and, where the host finds that a symbolic link on the way leads elsewhere, the real path too: a policy
     * judges both, so a link in the project to /etc is /etc. A glob's literal directory is resolved the same way.
     */
    private List<Value> withRealPaths(List<Value> values) {
        HostPaths host = request.paths();
        if (host == HostPaths.LEXICAL || values.isEmpty()) {
            return values;
        }
        List<Value> all = new ArrayList<>(values);
        for (Value value : values) {
            if (value.opaque()) {
                continue;
            }
            String text = value.text();
            String real;
            if (value.glob()) {
                int glob = Wildcard.firstGlob(text);
                int slash = text.lastIndexOf('/', glob);
                String dir = slash <= 0 ? "/" : text.substring(0, slash);
                String resolved = host.realPath(dir);
                real = resolved.equals(dir) ? text : (resolved.equals("/") ? "" : resolved) + text.substring(slash);
            } else {
                real = host.realPath(text);
            }
            if (!real.equals(text)) {
                all.add(new Value(Paths.resolve(real, "/"), false, value.glob()));
            }
        }
        return all;
    }

    private static List<Value> pathValue(String path) {
        return path.isEmpty() ? List.of() : List.of(Value.path(path));
    }

    private List<Value> readPaths() {
        String raw = switch (tool) {
            case "Read" -> event.inputString("file_path");
            case "NotebookRead" -> event.inputString("notebook_path");
            default -> event.inputString("path");
        };
        raw = request.paths().windows() ? Paths.fromWindows(raw) : raw;
        List<Value> paths = new ArrayList<>();
        String base = raw.isEmpty() ? cwd : Paths.normalize(raw, cwd, home);
        if (tool.equals("Glob")) {
            String pattern = event.inputString("pattern");
            paths.add(Value.path(pattern.startsWith("/") || pattern.startsWith("~") ? Paths.normalize(pattern, cwd, home)
                    : Paths.normalize(pattern.isEmpty() ? "*" : pattern, base, home)));
        } else {
            paths.add(Value.path(base));
        }
        return paths;
    }

    private List<Value> webHosts() {
        if (tool.equals("WebFetch")) {
            String url = event.inputString("url");
            return ShellAnalyzer.host(url.contains("://") ? url : "https://" + url).map(List::of).orElse(List.of(Value.opaque("the URL " + url + ", whose host cannot be read")));
        }
        List<Value> hosts = new ArrayList<>();
        Object allowed = event.toolInput().get("allowed_domains");
        if (allowed instanceof List<?> list) {
            list.forEach(d -> ShellAnalyzer.host("https://" + d).ifPresent(hosts::add));
        }
        return hosts;
    }

    private List<Value> toolMcpServers() {
        List<Value> servers = new ArrayList<>();
        if (tool.startsWith("mcp__")) {
            // The server is the one whose tool Claude Code runs: payload fields such as mcp_server.name never override it.
            servers.add(Value.of(serverOf(tool)));
        }
        producedOrOpaque(Target.MCP_SERVERS).ifPresent(produced -> servers.addAll(produced.opaque() ? List.of(produced)
                : mcpServersIn(produced.text())));
        if (tool.equals("Bash")) {
            servers.addAll(shell().mcpServers());
        }
        return servers;
    }

    private List<Value> toolSkills() {
        if (tool.equals("Skill")) {
            String skill = event.inputString("skill");
            return List.of(Value.of(skill.isEmpty() ? event.inputString("command") : skill));
        }
        List<Value> skills = new ArrayList<>();
        ConfigFiles.skillName(writtenPath()).ifPresent(s -> skills.add(Value.of(s)));
        if (tool.equals("Bash")) {
            shell().writes().forEach(w -> ConfigFiles.skillName(w.text()).ifPresent(s -> skills.add(Value.of(s))));
        }
        return skills;
    }

    /** The content a tool call would leave in a configuration file of this kind; opaque when the shell writes it. */
    private Optional<Value> producedOrOpaque(Target kind) {
        if (tool.equals("Bash")) {
            return shell().writes().stream().filter(w -> !w.opaque() && ConfigFiles.targetOf(w.text()).orElse(null) == kind)
                    .findFirst().map(w -> Value.opaque("content a shell command writes to " + w.text() + ", only known when it runs"));
        }
        String path = WRITE_TOOLS.contains(tool) ? writtenPath() : "";
        if (path.isEmpty() || ConfigFiles.targetOf(path).orElse(null) != kind) {
            return Optional.empty();
        }
        if (tool.equals("Write")) {
            return Optional.of(Value.of(event.inputString("content")));
        }
        String existing = request.configuration().fileContents().get(path);
        String oldText = event.inputString("old_string");
        String newText = event.inputString("new_string");
        if (existing == null) {
            // The host did not supply the current file: check the inserted text, the part the model controls.
            return Optional.of(Value.of(newText));
        }
        boolean all = Boolean.TRUE.equals(event.toolInput().get("replace_all"));
        return Optional.of(Value.of(oldText.isEmpty() ? existing + newText
                : all ? existing.replace(oldText, newText) : existing.replaceFirst(java.util.regex.Pattern.quote(oldText),
                        java.util.regex.Matcher.quoteReplacement(newText))));
    }

    private static List<Value> mcpServersIn(String json) {
        try {
            Object parsed = new Load(LoadSettings.builder().setCodePointLimit(4 * 1024 * 1024).build()).loadFromString(json);
            List<Value> found = new ArrayList<>();
            if (parsed instanceof Map<?, ?> root) {
                if (root.get("mcpServers") instanceof Map<?, ?> servers) {
                    servers.keySet().forEach(k -> found.add(Value.of(String.valueOf(k))));
                }
                // ~/.claude.json keeps each project's servers under projects.<path>.mcpServers
                if (root.get("projects") instanceof Map<?, ?> projects) {
                    for (Object project : projects.values()) {
                        if (project instanceof Map<?, ?> p && p.get("mcpServers") instanceof Map<?, ?> servers) {
                            servers.keySet().forEach(k -> found.add(Value.of(String.valueOf(k))));
                        }
                    }
                }
            }
            return found;
        } catch (RuntimeException e) {
            return List.of(Value.opaque("an MCP configuration that cannot be read"));
        }
    }

    private static List<Value> names(List<String> names) {
        return names.stream().map(Value::of).toList();
    }

    /** {@code mcp__github__create_issue} is server {@code github}. */
    static String serverOf(String tool) {
        String rest = tool.substring("mcp__".length());
        int end = rest.indexOf("__");
        return end < 0 ? rest : rest.substring(0, end);
    }
}
