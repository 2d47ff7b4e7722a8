package io.ccpolicy.agent.install;

import io.ccpolicy.agent.config.HookSecret;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.settings.ManagedSettingsCompiler;
import io.ccpolicy.engine.settings.SandboxCompiler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The managed settings the agent wants Claude Code to run with: an {@code http} hook per event, answered by the daemon,
 * each with a short timeout, {@code onFailure: block} (a down or slow agent blocks the call) and the install's secret
 * in a header filled from the environment, a small {@code command}
 * hook for SessionStart (Claude Code skips http hooks there), and the natively enforceable part of the policy, OS sandbox
 * included.
 */
public final class AgentSettings {

    /** Events answered over http, with whether their matcher is the tool name. */
    static final List<String> HTTP_EVENTS = List.of("PreToolUse", "PermissionRequest", "UserPromptSubmit", "PostToolUse",
            "PostToolUseFailure", "SubagentStart", "SubagentStop", "Stop", "SessionEnd", "ConfigChange", "InstructionsLoaded");
    static final Set<String> TOOL_EVENTS = Set.of("PreToolUse", "PermissionRequest", "PostToolUse", "PostToolUseFailure");
    static final int TIMEOUT_SECONDS = 5;

    private AgentSettings() {
    }

    public static Map<String, Object> build(int port, PolicyDocument document, Identity identity, String project, Instant now,
            SandboxCompiler.GlobExpander expander) {
        boolean failOpen = document != null && document.claudeCode().get("enforcement") instanceof Map<?, ?> e
                && "open".equals(e.get("fail_mode"));
        Map<String, Object> hooks = new LinkedHashMap<>();
        for (String event : HTTP_EVENTS) {
            Map<String, Object> hook = new LinkedHashMap<>();
            hook.put("type", "http");
            hook.put("url", url(port, event));
            hook.put("timeout", TIMEOUT_SECONDS);
            // the value comes from the developer's own settings (ClaudeUserSettings), never from this world-readable file
            hook.put("headers", Map.of(HookSecret.HEADER, "${" + HookSecret.ENV + "}"));
            hook.put("allowedEnvVars", List.of(HookSecret.ENV));
            if (!failOpen) {
                hook.put("onFailure", "block");
            }
            Map<String, Object> group = new LinkedHashMap<>();
            if (TOOL_EVENTS.contains(event)) {
                group.put("matcher", "*");
            }
            group.put("hooks", List.of(hook));
            hooks.put(event, List.of(group));
        }
        hooks.put("SessionStart", List.of(Map.of("hooks", List.of(Map.of("type", "command", "command", sessionStartCommand(port),
                "timeout", 10)))));
        Map<String, Object> settings = new LinkedHashMap<>();
        if (document != null) {
            settings.putAll(ManagedSettingsCompiler.compile(document, identity, project, now, expander));
            settings.computeIfPresent("sandbox", (key, sandbox) -> reachingTheAgent((Map<?, ?>) sandbox, port));
        }
        settings.put("hooks", hooks);
        return settings;
    }

    /**
     * With the sandbox on, Claude Code sends http hooks through the sandbox's network proxy, which applies
     * {@code network.allowedDomains}: a policy's web-domain allowlist would refuse every hook call (HTTP 403) and so, with
     * {@code onFailure: block}, every tool call. The agent's own loopback port, and only it, is added to such an allowlist.
     */
    private static Map<String, Object> reachingTheAgent(Map<?, ?> sandbox, int port) {
        Map<String, Object> copy = new LinkedHashMap<>();
        sandbox.forEach((k, v) -> copy.put(String.valueOf(k), v));
        if (copy.get("network") instanceof Map<?, ?> network && network.get("allowedDomains") instanceof List<?> domains
                && !domains.contains("*")) {
            Map<String, Object> widened = new LinkedHashMap<>();
            network.forEach((k, v) -> widened.put(String.valueOf(k), v));
            List<Object> withAgent = new ArrayList<>(domains);
            withAgent.add("127.0.0.1:" + port);
            widened.put("allowedDomains", withAgent);
            copy.put("network", widened);
        }
        return copy;
    }

    static String url(int port, String event) {
        return "http://127.0.0.1:" + port + "/hooks/" + event;
    }

    /** curl posts the payload; when the agent is down the developer is told at once that tools will be refused. */
    static String sessionStartCommand(int port) {
        return "curl -sS --max-time 5 -H 'Content-Type: application/json' -H \"" + HookSecret.HEADER + ": $" + HookSecret.ENV
                + "\" --data-binary @- " + url(port, "SessionStart")
                + " || echo '{\"systemMessage\":\"Enterprise policy agent is not running on port " + port
                + ": every tool call will be refused until it is (hook-agent serve).\"}'";
    }

    /** Whether a hook entry is one of ours (any port), so reinstalling replaces rather than duplicates it. */
    static boolean ours(Object hook) {
        if (!(hook instanceof Map<?, ?> map)) {
            return false;
        }
        Object url = map.get("url");
        Object command = map.get("command");
        return (url instanceof String u && u.startsWith("http://127.0.0.1:") && u.contains("/hooks/"))
                || (command instanceof String c && c.contains("/hooks/SessionStart"));
    }

    /**
     * Merges our settings into existing managed settings: our hooks replace earlier copies of themselves and sit beside
     * everyone else's; deny rules add up; other keys we set win.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> merge(Map<String, Object> existing, Map<String, Object> ours) {
        Map<String, Object> merged = new LinkedHashMap<>(existing);
        for (Map.Entry<String, Object> entry : ours.entrySet()) {
            String key = entry.getKey();
            if (key.equals("hooks") && existing.get("hooks") instanceof Map<?, ?> theirs) {
                Map<String, Object> hooks = new LinkedHashMap<>();
                ((Map<String, Object>) theirs).forEach((event, groups) -> hooks.put(event, withoutOurs(groups)));
                ((Map<String, Object>) entry.getValue()).forEach((event, groups) -> {
                    List<Object> all = new ArrayList<>((List<Object>) hooks.getOrDefault(event, List.of()));
                    all.addAll((List<Object>) groups);
                    hooks.put(event, all);
                });
                hooks.values().removeIf(g -> g instanceof List<?> l && l.isEmpty());
                merged.put("hooks", hooks);
            } else if (key.equals("permissions") && existing.get("permissions") instanceof Map<?, ?> theirs) {
                Map<String, Object> permissions = new LinkedHashMap<>((Map<String, Object>) theirs);
                ((Map<String, Object>) entry.getValue()).forEach((k, v) -> {
                    if (v instanceof List<?> rules && permissions.get(k) instanceof List<?> old) {
                        Set<Object> union = new LinkedHashSet<>(old);
                        union.addAll(rules);
                        permissions.put(k, new ArrayList<>(union));
                    } else {
                        permissions.put(k, v);
                    }
                });
                merged.put("permissions", permissions);
            } else {
                merged.put(key, entry.getValue());
            }
        }
        return merged;
    }

    private static List<Object> withoutOurs(Object groups) {
        List<Object> kept = new ArrayList<>();
        if (groups instanceof List<?> list) {
            for (Object group : list) {
                if (group instanceof Map<?, ?> g && g.get("hooks") instanceof List<?> hooks) {
                    List<Object> others = hooks.stream().filter(h -> !ours(h)).map(h -> (Object) h).toList();
                    if (!others.isEmpty()) {
                        Map<Object, Object> copy = new LinkedHashMap<>(g);
                        copy.put("hooks", others);
                        kept.add(copy);
                    }
                } else {
                    kept.add(group);
                }
            }
        }
        return kept;
    }
}
