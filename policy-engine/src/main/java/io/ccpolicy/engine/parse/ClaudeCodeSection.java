package io.ccpolicy.engine.parse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * The optional {@code claude_code} section: native Claude Code managed settings the organisation wants, validated key by
 * key so a typo never silently weakens a lock. Keys that would switch off our own enforcement are refused.
 */
final class ClaudeCodeSection {

    private enum Kind { BOOLEAN, STRING, INTEGER, STRINGS, STRING_MAP, MAP, SERVER_RULES, PERMISSIONS }

    private static final Map<String, Kind> KEYS = Map.ofEntries(
            Map.entry("availableModels", Kind.STRINGS),
            Map.entry("deniedModels", Kind.STRINGS),
            Map.entry("enforceAvailableModels", Kind.BOOLEAN),
            Map.entry("model", Kind.STRING),
            Map.entry("maxEffortLevel", Kind.STRING),
            Map.entry("allowManagedPermissionRulesOnly", Kind.BOOLEAN),
            Map.entry("allowManagedHooksOnly", Kind.BOOLEAN),
            Map.entry("allowManagedMcpServersOnly", Kind.BOOLEAN),
            Map.entry("disableSideloadFlags", Kind.BOOLEAN),
            Map.entry("disableRemoteControl", Kind.BOOLEAN),
            Map.entry("forceRemoteSettingsRefresh", Kind.BOOLEAN),
            Map.entry("allowedHttpHookUrls", Kind.STRINGS),
            Map.entry("companyAnnouncements", Kind.STRINGS),
            Map.entry("cleanupPeriodDays", Kind.INTEGER),
            Map.entry("forceLoginMethod", Kind.STRING),
            Map.entry("forceLoginOrgUUID", Kind.STRING),
            Map.entry("requiredMinimumVersion", Kind.STRING),
            Map.entry("requiredMaximumVersion", Kind.STRING),
            Map.entry("env", Kind.STRING_MAP),
            Map.entry("sandbox", Kind.MAP),
            Map.entry("allowedMcpServers", Kind.SERVER_RULES),
            Map.entry("deniedMcpServers", Kind.SERVER_RULES),
            Map.entry("permissions", Kind.PERMISSIONS));

    private static final Map<String, String> REFUSED = Map.of(
            "hooks", "hooks are installed by 'hook-agent install'; the policy cannot replace them",
            "disableAllHooks", "it would switch off the policy agent's own hooks",
            "policyHelper", "the policy helper is configured by the agent installation");

    private static final Set<String> PERMISSION_LISTS = Set.of("allow", "ask", "deny", "additionalDirectories");
    private static final Set<String> PERMISSION_SWITCHES = Set.of("disableBypassPermissionsMode", "disableAutoMode");
    private static final Set<String> SERVER_RULE_KEYS = Set.of("serverName", "serverCommand", "serverUrl");

    private ClaudeCodeSection() {
    }

    static Map<String, Object> validate(YamlReader yaml, Node node) {
        if (YamlReader.isNull(node)) {
            return Map.of();
        }
        Map<String, NodeTuple> fields = yaml.mapping(node, "claude_code", null);
        if (fields == null) {
            return Map.of();
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> field : fields.entrySet()) {
            String key = field.getKey();
            Node value = field.getValue().getValueNode();
            String where = "claude_code." + key;
            if (REFUSED.containsKey(key)) {
                yaml.problem(field.getValue().getKeyNode(), "claude_code", "'" + key + "' is not allowed here: " + REFUSED.get(key));
                continue;
            }
            Kind kind = KEYS.get(key);
            if (kind == null) {
                yaml.problem(field.getValue().getKeyNode(), "claude_code", "unknown managed setting '" + key + "' (supported: "
                        + String.join(", ", KEYS.keySet().stream().sorted().toList()) + ")");
                continue;
            }
            if (valid(yaml, kind, value, where)) {
                settings.put(key, YamlReader.plain(value));
            }
        }
        return settings;
    }

    private static boolean valid(YamlReader yaml, Kind kind, Node value, String where) {
        int before = yaml.problems().size();
        switch (kind) {
            case BOOLEAN -> scalar(yaml, value, where, Tag.BOOL, "true or false");
            case STRING -> scalar(yaml, value, where, Tag.STR, "a text value");
            case INTEGER -> scalar(yaml, value, where, Tag.INT, "a whole number");
            case STRINGS -> strings(yaml, value, where);
            case STRING_MAP -> {
                Map<String, NodeTuple> entries = yaml.mapping(value, where, null);
                if (entries != null) {
                    entries.forEach((k, t) -> scalar(yaml, t.getValueNode(), where + "." + k, null, "a text value"));
                }
            }
            case MAP -> yaml.mapping(value, where, null);
            case SERVER_RULES -> serverRules(yaml, value, where);
            case PERMISSIONS -> permissions(yaml, value, where);
        }
        return yaml.problems().size() == before;
    }

    private static void scalar(YamlReader yaml, Node value, String where, Tag tag, String expected) {
        if (!(value instanceof ScalarNode scalar) || YamlReader.isNull(value) || (tag != null && !tag.equals(scalar.getTag()))) {
            yaml.problem(value, where, "must be " + expected + ", found " + YamlReader.describe(value));
        }
    }

    private static void strings(YamlReader yaml, Node value, String where) {
        if (!(value instanceof SequenceNode sequence)) {
            yaml.problem(value, where, "must be a list, found " + YamlReader.describe(value));
            return;
        }
        sequence.getValue().forEach(item -> scalar(yaml, item, where, Tag.STR, "a text value"));
    }

    private static void serverRules(YamlReader yaml, Node value, String where) {
        if (!(value instanceof SequenceNode sequence)) {
            yaml.problem(value, where, "must be a list of {serverName | serverCommand | serverUrl}, found " + YamlReader.describe(value));
            return;
        }
        for (Node item : sequence.getValue()) {
            Map<String, NodeTuple> rule = yaml.mapping(item, where, SERVER_RULE_KEYS);
            if (rule != null && rule.size() != 1) {
                yaml.problem(item, where, "each entry names exactly one of serverName, serverCommand, serverUrl");
            }
        }
    }

    private static void permissions(YamlReader yaml, Node value, String where) {
        Set<String> known = new java.util.HashSet<>(PERMISSION_LISTS);
        known.addAll(PERMISSION_SWITCHES);
        known.add("defaultMode");
        Map<String, NodeTuple> fields = yaml.mapping(value, where, known);
        if (fields == null) {
            return;
        }
        for (Map.Entry<String, NodeTuple> field : fields.entrySet()) {
            Node node = field.getValue().getValueNode();
            if (PERMISSION_LISTS.contains(field.getKey())) {
                strings(yaml, node, where + "." + field.getKey());
            } else if (PERMISSION_SWITCHES.contains(field.getKey())) {
                if (!(node instanceof ScalarNode scalar) || !"disable".equals(scalar.getValue())) {
                    yaml.problem(node, where + "." + field.getKey(), "the only accepted value is 'disable'");
                }
            } else {
                scalar(yaml, node, where + "." + field.getKey(), Tag.STR, "a permission mode");
            }
        }
    }
}
