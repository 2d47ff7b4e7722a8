package io.ccpolicy.engine.config;

import io.ccpolicy.engine.ConfigurationSnapshot;
import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.config.EffectiveConfiguration.Item;
import io.ccpolicy.engine.config.EffectiveConfiguration.Layer;
import io.ccpolicy.engine.config.EffectiveConfiguration.Rejection;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Computes the effective Claude Code configuration for one developer and project. Restrictions are decided by the same
 * engine that decides tool calls (exceptions, scoping and modes included), one item at a time, so a server rejected
 * here is exactly a server whose tool calls would be refused.
 */
public final class ConfigurationMerger {

    private ConfigurationMerger() {
    }

    public static EffectiveConfiguration merge(PolicyEngine engine, Identity identity, String project, String home,
            ClaudeCodeLayers layers) {
        List<Rejection> rejected = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        Map<String, Layer> servers = new LinkedHashMap<>();
        disabledAware(layers).forEach(name -> servers.put(name, Layer.PROJECT));
        for (String name : userServers(layers)) {
            servers.putIfAbsent(name, Layer.USER);
        }
        List<Item> mcpServers = admitted(engine, identity, project, home, servers, Target.MCP_SERVERS, "MCP server", rejected, warnings);

        Map<String, Layer> skillLayers = new LinkedHashMap<>();
        layers.projectSkills().forEach(s -> skillLayers.put(s, Layer.PROJECT));
        layers.userSkills().forEach(s -> skillLayers.putIfAbsent(s, Layer.USER));
        List<Item> skills = admitted(engine, identity, project, home, skillLayers, Target.SKILLS, "skill", rejected, warnings);

        Map<String, Object> settings = new LinkedHashMap<>(layers.userSettings());
        settings.putAll(layers.projectSettings());
        Map<String, Object> locks = new LinkedHashMap<>(engine.document().claudeCode());
        locks.remove("enforcement");
        for (Map.Entry<String, Object> lock : locks.entrySet()) {
            lockOut(layers.projectSettings(), Layer.PROJECT, lock, rejected);
            lockOut(layers.userSettings(), Layer.USER, lock, rejected);
            settings.put(lock.getKey(), lock.getValue());
        }
        return new EffectiveConfiguration(mcpServers, skills, settings, rejected, warnings);
    }

    private static void lockOut(Map<String, Object> layerSettings, Layer layer, Map.Entry<String, Object> lock, List<Rejection> rejected) {
        if (layerSettings.containsKey(lock.getKey()) && !Objects.equals(layerSettings.get(lock.getKey()), lock.getValue())) {
            rejected.add(new Rejection(layer, "setting", lock.getKey(), "claude_code." + lock.getKey(),
                    "locked by the enterprise policy to " + lock.getValue()));
        }
    }

    /** Each item is checked as if it were the only one configured at session start. */
    private static List<Item> admitted(PolicyEngine engine, Identity identity, String project, String home, Map<String, Layer> items,
            Target target, String kind, List<Rejection> rejected, List<String> warnings) {
        List<Item> kept = new ArrayList<>();
        for (Map.Entry<String, Layer> item : items.entrySet()) {
            ConfigurationSnapshot snapshot = target == Target.MCP_SERVERS
                    ? new ConfigurationSnapshot(List.of(), List.of(), List.of(item.getKey()), Map.of())
                    : new ConfigurationSnapshot(List.of(), List.of(item.getKey()), List.of(), Map.of());
            Decision decision = engine.evaluate(new DecisionRequest(HookEvent.of(Map.of("hook_event_name", "SessionStart")), identity,
                    project, SessionState.NEW, snapshot, home));
            PolicyMatch refusal = null;
            for (PolicyMatch match : decision.matches()) {
                if (match.target() != target || match.type() == io.ccpolicy.engine.model.PolicyType.REQUIRE) {
                    continue;
                }
                if (match.effect() == Verdict.DENY || match.effect() == Verdict.ASK) {
                    refusal = refusal == null ? match : refusal;
                } else if (match.effect() == Verdict.WARN) {
                    warnings.add(kind + " '" + item.getKey() + "': " + match.message() + " (" + match.policy() + ")");
                }
            }
            if (refusal != null) {
                rejected.add(new Rejection(item.getValue(), kind, item.getKey(), refusal.policy(), refusal.message()));
            } else {
                kept.add(new Item(item.getKey(), item.getValue()));
            }
        }
        return kept;
    }

    /** Servers from the project's .mcp.json, minus those the settings disable. */
    private static Set<String> disabledAware(ClaudeCodeLayers layers) {
        Set<String> names = new LinkedHashSet<>(serverNames(layers.projectMcpJson().get("mcpServers")));
        names.removeAll(strings(layers.projectSettings().get("disabledMcpjsonServers")));
        names.removeAll(strings(layers.userSettings().get("disabledMcpjsonServers")));
        return names;
    }

    /** User scope (top-level mcpServers of ~/.claude.json) and local scope (its entry for this project). */
    private static Set<String> userServers(ClaudeCodeLayers layers) {
        Set<String> names = new LinkedHashSet<>(serverNames(layers.userClaudeJson().get("mcpServers")));
        if (layers.userClaudeJson().get("projects") instanceof Map<?, ?> projects
                && projects.get(layers.projectPath()) instanceof Map<?, ?> local) {
            names.addAll(serverNames(local.get("mcpServers")));
        }
        names.addAll(serverNames(layers.userSettings().get("mcpServers")));
        return names;
    }

    private static List<String> serverNames(Object section) {
        return section instanceof Map<?, ?> map ? map.keySet().stream().map(String::valueOf).toList() : List.of();
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }
}
