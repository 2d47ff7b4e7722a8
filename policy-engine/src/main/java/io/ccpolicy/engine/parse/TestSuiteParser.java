package io.ccpolicy.engine.parse;

import io.ccpolicy.engine.ConfigurationSnapshot;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.testing.PolicyTestCase;
import io.ccpolicy.engine.testing.PolicyTestSuite;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Parses a policy test file (the format is documented in the module README). Like policy documents, a file with any
 * problem is refused whole, with every problem located.
 */
public final class TestSuiteParser {

    private static final Set<String> TOP_KEYS = Set.of("policy", "now", "home", "defaults", "cases");
    private static final Set<String> DEFAULT_KEYS = Set.of("user", "project", "session", "config", "home", "now", "event");
    private static final Set<String> CASE_KEYS = Set.of("name", "user", "project", "session", "config", "home", "now", "event", "expect");
    private static final Set<String> USER_KEYS = Set.of("email", "teams", "department");
    private static final Set<String> CONFIG_KEYS = Set.of("claude_md", "skills", "mcp_servers", "files");
    private static final Set<String> EXPECT_KEYS = Set.of("decision", "policies", "exception", "would_be", "message_contains");
    private static final Instant DEFAULT_NOW = Instant.parse("2025-01-01T00:00:00Z");

    private TestSuiteParser() {
    }

    public static PolicyTestSuite parse(String source, String text) throws PolicyValidationException {
        Node root = YamlReader.compose(source, text, PolicyParser.MAX_DOCUMENT_CHARS);
        YamlReader yaml = new YamlReader(source);
        Map<String, NodeTuple> top = root == null ? null : yaml.mapping(root, "", TOP_KEYS);
        if (top == null) {
            if (root == null) {
                yaml.problem(null, "", "the test file is empty");
            }
            throw new PolicyValidationException(yaml.problems());
        }
        String policy = yaml.string(top, "policy", "", true, root);
        Instant defaultNow = instant(yaml, top, "now", "", DEFAULT_NOW);
        String defaultHome = yaml.string(top, "home", "", false, root);
        Node defaultsNode = YamlReader.value(top, "defaults");
        Map<String, NodeTuple> defaults = YamlReader.isNull(defaultsNode) ? Map.of() : yaml.mapping(defaultsNode, "defaults", DEFAULT_KEYS);
        List<PolicyTestCase> cases = new ArrayList<>();
        Node casesNode = YamlReader.value(top, "cases");
        if (!(casesNode instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
            yaml.problem(casesNode == null ? root : casesNode, "", "'cases' must be a non-empty list");
        } else {
            for (int i = 0; i < sequence.getValue().size(); i++) {
                PolicyTestCase testCase = testCase(yaml, sequence.getValue().get(i), "cases[" + i + "]", defaultNow, defaultHome,
                        defaults == null ? Map.of() : defaults);
                if (testCase != null) {
                    cases.add(testCase);
                }
            }
        }
        if (!yaml.problems().isEmpty()) {
            throw new PolicyValidationException(PolicyParser.inDocumentOrder(yaml.problems()));
        }
        return new PolicyTestSuite(source, policy, cases);
    }

    private static PolicyTestCase testCase(YamlReader yaml, Node node, String where, Instant defaultNow, String defaultHome,
            Map<String, NodeTuple> defaults) {
        Map<String, NodeTuple> own = yaml.mapping(node, where, CASE_KEYS);
        if (own == null) {
            return null;
        }
        // A case takes what it does not say from the file's defaults; its event is laid over the default event.
        Map<String, NodeTuple> fields = new LinkedHashMap<>(defaults);
        fields.putAll(own);
        int before = yaml.problems().size();
        String name = yaml.string(fields, "name", where, true, node);
        if (name != null) {
            where = where + " (" + name + ")";
        }
        Identity identity = identity(yaml, YamlReader.value(fields, "user"), where);
        String project = yaml.string(fields, "project", where, false, node);
        long tokens = 0;
        Node sessionNode = YamlReader.value(fields, "session");
        if (!YamlReader.isNull(sessionNode)) {
            Map<String, NodeTuple> session = yaml.mapping(sessionNode, where + ".session", Set.of("tokens"));
            if (session != null) {
                Long t = yaml.integer(session, "tokens", where + ".session", false, sessionNode, 0);
                tokens = t == null ? 0 : t;
            }
        }
        ConfigurationSnapshot config = config(yaml, YamlReader.value(fields, "config"), where);
        Node eventNode = YamlReader.value(fields, "event");
        Map<String, Object> event = null;
        if (YamlReader.isNull(eventNode) || yaml.mapping(eventNode, where + ".event", null) == null) {
            if (YamlReader.isNull(eventNode)) {
                yaml.problem(node, where, "missing required field 'event' (a hook payload)");
            }
        } else {
            event = overlay(YamlReader.value(defaults, "event"), eventNode);
            if (!(event.get("hook_event_name") instanceof String)) {
                yaml.problem(eventNode, where + ".event", "the event needs hook_event_name");
            }
        }
        String home = Optional.ofNullable(yaml.string(fields, "home", where, false, node)).orElse(defaultHome);
        if (home == null) {
            String email = identity.email();
            home = "/home/" + (email.contains("@") ? email.substring(0, email.indexOf('@')) : email.isEmpty() ? "user" : email);
        }
        Instant now = instant(yaml, fields, "now", where, defaultNow);
        Node expectNode = YamlReader.value(fields, "expect");
        Map<String, NodeTuple> expect = expectNode == null ? null : yaml.mapping(expectNode, where + ".expect", EXPECT_KEYS);
        if (expectNode == null) {
            yaml.problem(node, where, "missing required field 'expect'");
        }
        Verdict decision = null;
        List<String> policies = List.of();
        Optional<String> exception = Optional.empty();
        boolean noException = false;
        Optional<Verdict> wouldBe = Optional.empty();
        List<String> messageContains = List.of();
        if (expect != null) {
            String text = yaml.string(expect, "decision", where + ".expect", true, expectNode);
            if (text != null) {
                decision = Verdict.fromYaml(text).orElse(null);
                if (decision == null) {
                    yaml.problem(YamlReader.value(expect, "decision"), where + ".expect", "decision must be allow, deny, warn or ask, found '" + text + "'");
                }
            }
            policies = Optional.ofNullable(yaml.strings(expect, "policies", where + ".expect", false, expectNode)).orElse(List.of());
            if (expect.containsKey("exception")) {
                if (YamlReader.isNull(YamlReader.value(expect, "exception"))) {
                    noException = true;
                } else {
                    exception = Optional.ofNullable(yaml.string(expect, "exception", where + ".expect", false, expectNode));
                }
            }
            String would = yaml.string(expect, "would_be", where + ".expect", false, expectNode);
            if (would != null) {
                wouldBe = Verdict.fromYaml(would);
                if (wouldBe.isEmpty()) {
                    yaml.problem(YamlReader.value(expect, "would_be"), where + ".expect", "would_be must be allow, deny, warn or ask");
                }
            }
            messageContains = Optional.ofNullable(yaml.strings(expect, "message_contains", where + ".expect", false, expectNode)).orElse(List.of());
        }
        if (yaml.problems().size() > before || name == null || event == null || decision == null) {
            return null;
        }
        int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
        DecisionRequest request = new DecisionRequest(HookEvent.of(event), identity, project, SessionState.total(tokens), config, home);
        return new PolicyTestCase(name, line, request, now, decision, policies, exception, noException, wouldBe, messageContains);
    }

    /** The case's event over the default event; {@code tool_input} is merged key by key too. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> overlay(Node defaultEvent, Node eventNode) {
        Map<String, Object> own = (Map<String, Object>) YamlReader.plain(eventNode);
        if (YamlReader.isNull(defaultEvent) || defaultEvent == eventNode || !(YamlReader.plain(defaultEvent) instanceof Map<?, ?> base)) {
            return own;
        }
        Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) base);
        own.forEach((key, value) -> {
            if (key.equals("tool_input") && value instanceof Map<?, ?> input && merged.get(key) instanceof Map<?, ?> baseInput) {
                Map<String, Object> inputs = new LinkedHashMap<>((Map<String, Object>) baseInput);
                inputs.putAll((Map<String, Object>) input);
                merged.put(key, inputs);
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static Identity identity(YamlReader yaml, Node node, String where) {
        if (YamlReader.isNull(node)) {
            return Identity.of("developer@example.com");
        }
        Map<String, NodeTuple> user = yaml.mapping(node, where + ".user", USER_KEYS);
        if (user == null) {
            return Identity.of("developer@example.com");
        }
        String email = yaml.string(user, "email", where + ".user", true, node);
        List<String> teams = Optional.ofNullable(yaml.strings(user, "teams", where + ".user", false, node)).orElse(List.of());
        String department = yaml.string(user, "department", where + ".user", false, node);
        return new Identity(email, teams, department);
    }

    private static ConfigurationSnapshot config(YamlReader yaml, Node node, String where) {
        if (YamlReader.isNull(node)) {
            return ConfigurationSnapshot.NONE;
        }
        String here = where + ".config";
        Map<String, NodeTuple> config = yaml.mapping(node, here, CONFIG_KEYS);
        if (config == null) {
            return ConfigurationSnapshot.NONE;
        }
        List<ConfigurationSnapshot.ClaudeMdFile> claudeMd = new ArrayList<>();
        Node files = YamlReader.value(config, "claude_md");
        if (files instanceof SequenceNode sequence) {
            for (Node item : sequence.getValue()) {
                Map<String, NodeTuple> file = yaml.mapping(item, here + ".claude_md", Set.of("path", "content"));
                if (file != null) {
                    String path = Optional.ofNullable(yaml.string(file, "path", here + ".claude_md", false, item)).orElse("CLAUDE.md");
                    String content = yaml.string(file, "content", here + ".claude_md", true, item);
                    if (content != null) {
                        claudeMd.add(new ConfigurationSnapshot.ClaudeMdFile(path, content));
                    }
                }
            }
        } else if (files != null) {
            yaml.problem(files, here, "'claude_md' must be a list of {path, content}");
        }
        List<String> skills = Optional.ofNullable(yaml.strings(config, "skills", here, false, node)).orElse(List.of());
        List<String> servers = Optional.ofNullable(yaml.strings(config, "mcp_servers", here, false, node)).orElse(List.of());
        Map<String, String> contents = new LinkedHashMap<>();
        Node fileNode = YamlReader.value(config, "files");
        if (!YamlReader.isNull(fileNode)) {
            Map<String, NodeTuple> entries = yaml.mapping(fileNode, here + ".files", null);
            if (entries != null) {
                entries.forEach((path, tuple) -> contents.put(path, String.valueOf(YamlReader.plain(tuple.getValueNode()))));
            }
        }
        return new ConfigurationSnapshot(claudeMd, skills, servers, contents);
    }

    private static Instant instant(YamlReader yaml, Map<String, NodeTuple> fields, String key, String where, Instant fallback) {
        String text = yaml.string(fields, key, where, false, null);
        if (text == null) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            yaml.problem(YamlReader.value(fields, key), where, "'" + key + "' must be a timestamp like 2024-12-15T12:00:00Z, found '" + text + "'");
            return fallback;
        }
    }
}
