package io.ccpolicy.engine.settings;

import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.Mode;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.model.PolicyType;
import io.ccpolicy.engine.model.Severity;
import io.ccpolicy.engine.model.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles what Claude Code can enforce by itself into a managed-settings fragment, so it holds even before any hook
 * runs: MCP allowlists and denylists become {@code allowedMcpServers} / {@code deniedMcpServers}, denylisted tools and
 * web domains become {@code permissions.deny} rules, and path and domain policies become Claude Code's OS sandbox
 * ({@link SandboxCompiler}). Only policies that block for this developer qualify (enforce mode,
 * error severity, in scope, no exception for them, exact names, since native rules cannot express our globs, scoping or
 * exceptions). The document's {@code claude_code} section is merged in; no other lock is imposed.
 */
public final class ManagedSettingsCompiler {

    private ManagedSettingsCompiler() {
    }

    public static Map<String, Object> compile(PolicyDocument document, Identity identity, String project, Instant now) {
        return compile(document, identity, project, now, SandboxCompiler.GlobExpander.NONE);
    }

    /** As above, with the host's lister of existing paths for allowlist globs the sandbox cannot take. */
    public static Map<String, Object> compile(PolicyDocument document, Identity identity, String project, Instant now,
            SandboxCompiler.GlobExpander expander) {
        Set<String> allowedServers = null;
        Set<String> deniedServers = new LinkedHashSet<>();
        Set<String> deny = new LinkedHashSet<>();
        for (Policy policy : document.policies()) {
            if (!nativelyEnforceable(policy, document, identity, project, now)) {
                continue;
            }
            if (policy.target() == Target.MCP_SERVERS && policy.type() == PolicyType.ALLOWLIST) {
                Set<String> values = new LinkedHashSet<>(policy.values());
                if (allowedServers == null) {
                    allowedServers = values;
                } else {
                    allowedServers.retainAll(values);
                }
            } else if (policy.target() == Target.MCP_SERVERS && policy.type() == PolicyType.DENYLIST) {
                deniedServers.addAll(policy.values());
            } else if (policy.target() == Target.TOOL && policy.type() == PolicyType.DENYLIST) {
                deny.addAll(policy.values());
            } else if (policy.target() == Target.WEB_DOMAIN && policy.type() == PolicyType.DENYLIST) {
                policy.values().forEach(d -> deny.add("WebFetch(domain:" + d + ")"));
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        if (allowedServers != null) {
            settings.put("allowedMcpServers", serverRules(allowedServers));
        }
        if (!deniedServers.isEmpty()) {
            settings.put("deniedMcpServers", serverRules(deniedServers));
        }
        if (!deny.isEmpty()) {
            settings.put("permissions", new LinkedHashMap<>(Map.of("deny", new ArrayList<>(deny))));
        }
        SandboxPlan sandbox = SandboxCompiler.plan(document, identity, project, now, expander);
        if (sandbox.active()) {
            settings.put("sandbox", sandbox.settings());
        }
        mergeDocumentSection(settings, document.claudeCode());
        return settings;
    }

    private static boolean nativelyEnforceable(Policy policy, PolicyDocument document, Identity identity, String project, Instant now) {
        return policy.values().stream().noneMatch(v -> v.contains("*") || v.contains("?")) && blocks(policy, document, identity, project, now);
    }

    /** Whether the policy blocks this developer now: enforce mode, error severity, every tool, in scope, no exception. */
    static boolean blocks(Policy policy, PolicyDocument document, Identity identity, String project, Instant now) {
        if (policy.mode() != Mode.ENFORCE || policy.severity() != Severity.ERROR || !policy.tools().isEmpty()
                || !policy.appliesTo().matches(identity, project)) {
            return false;
        }
        for (PolicyException exception : document.exceptions()) {
            if (exception.exemptFrom().contains(policy.name()) && exception.concerns(identity, project) && !exception.isExpiredAt(now)) {
                return false;
            }
        }
        return true;
    }

    private static List<Map<String, Object>> serverRules(Set<String> names) {
        return names.stream().<Map<String, Object>>map(n -> Map.of("serverName", n)).toList();
    }

    /** The document's own native settings win, except that deny rules add up: a policy never removes a deny. */
    @SuppressWarnings("unchecked")
    private static void mergeDocumentSection(Map<String, Object> settings, Map<String, Object> section) {
        for (Map.Entry<String, Object> entry : section.entrySet()) {
            if (entry.getKey().equals("enforcement")) {
                continue;
            }
            if (entry.getKey().equals("permissions") && entry.getValue() instanceof Map<?, ?> extra) {
                Map<String, Object> permissions = (Map<String, Object>) settings.computeIfAbsent("permissions", k -> new LinkedHashMap<>());
                for (Map.Entry<?, ?> permission : extra.entrySet()) {
                    String key = String.valueOf(permission.getKey());
                    if (permission.getValue() instanceof List<?> rules && permissions.get(key) instanceof List<?> existing) {
                        Set<Object> union = new LinkedHashSet<>(existing);
                        union.addAll(rules);
                        permissions.put(key, new ArrayList<>(union));
                    } else {
                        permissions.put(key, permission.getValue());
                    }
                }
            } else if (entry.getKey().equals("deniedMcpServers") && settings.get("deniedMcpServers") instanceof List<?> existing
                    && entry.getValue() instanceof List<?> more) {
                Set<Object> union = new LinkedHashSet<>(existing);
                union.addAll(more);
                settings.put("deniedMcpServers", new ArrayList<>(union));
            } else {
                settings.put(entry.getKey(), entry.getValue());
            }
        }
    }
}
