package io.ccpolicy.engine.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads a composed YAML node tree field by field, recording located problems instead of throwing. */
final class YamlReader {

    private final String source;
    private final List<PolicyProblem> problems = new ArrayList<>();

    YamlReader(String source) {
        this.source = source;
    }

    /**
     * Composes YAML text into a node tree (null for an empty document), with limits against alias bombs and huge
     * inputs; malformed YAML becomes one located problem.
     */
    static Node compose(String source, String text, int maxChars) throws PolicyValidationException {
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(source).setMaxAliasesForCollections(20)
                    .setAllowDuplicateKeys(false).setCodePointLimit(maxChars).build();
            return new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark();
            throw new PolicyValidationException(List.of(new PolicyProblem(source, mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1), "", "not valid YAML: " + e.getProblem())));
        } catch (YamlEngineException e) {
            throw new PolicyValidationException(List.of(new PolicyProblem(source, 1, 1, "", "not valid YAML: " + e.getMessage())));
        }
    }

    List<PolicyProblem> problems() {
        return problems;
    }

    void problem(Node at, String where, String message) {
        Optional<Mark> mark = at == null ? Optional.empty() : at.getStartMark();
        problems.add(new PolicyProblem(source, mark.map(m -> m.getLine() + 1).orElse(1), mark.map(m -> m.getColumn() + 1).orElse(1),
                where, message));
    }

    /**
     * The entries of a mapping by key, in document order. Duplicate and unknown keys are problems; {@code null} when
     * the node is not a mapping (also a problem).
     */
    Map<String, NodeTuple> mapping(Node node, String where, Set<String> knownKeys) {
        if (!(node instanceof MappingNode mapping)) {
            problem(node, where, "must be a mapping (key: value pairs), found " + describe(node));
            return null;
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                problem(tuple.getKeyNode(), where, "keys must be plain names");
                continue;
            }
            String name = key.getValue();
            if (entries.containsKey(name)) {
                problem(key, where, "duplicate key '" + name + "'");
                continue;
            }
            if (knownKeys != null && !knownKeys.contains(name)) {
                problem(key, where, "unknown key '" + name + "' (known keys: " + String.join(", ", sorted(knownKeys)) + ")");
                continue;
            }
            entries.put(name, tuple);
        }
        return entries;
    }

    static Node value(Map<String, NodeTuple> entries, String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getValueNode();
    }

    static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag()));
    }

    /** A non-empty string scalar, or null with a problem (when required, or when present with the wrong shape). */
    String string(Map<String, NodeTuple> entries, String key, String where, boolean required, Node parent) {
        Node node = value(entries, key);
        if (isNull(node)) {
            if (required) {
                problem(node == null ? parent : node, where, "missing required field '" + key + "'");
            }
            return null;
        }
        if (!(node instanceof ScalarNode scalar)) {
            problem(node, where, "'" + key + "' must be a single value, found " + describe(node));
            return null;
        }
        if (scalar.getValue().isBlank()) {
            problem(node, where, "'" + key + "' must not be empty");
            return null;
        }
        return scalar.getValue();
    }

    /** A list of non-empty string scalars; a single scalar is not accepted (it is usually a mistake). */
    List<String> strings(Map<String, NodeTuple> entries, String key, String where, boolean required, Node parent) {
        Node node = value(entries, key);
        if (isNull(node)) {
            if (required) {
                problem(node == null ? parent : node, where, "missing required field '" + key + "' (a list)");
            }
            return null;
        }
        if (!(node instanceof SequenceNode sequence)) {
            problem(node, where, "'" + key + "' must be a list, found " + describe(node));
            return null;
        }
        List<String> result = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            if (item instanceof ScalarNode scalar && !isNull(item) && !scalar.getValue().isBlank()) {
                result.add(scalar.getValue());
            } else {
                problem(item, where, "'" + key + "' entries must be non-empty values, found " + describe(item));
            }
        }
        if (required && result.isEmpty() && sequence.getValue().isEmpty()) {
            problem(node, where, "'" + key + "' must not be empty");
        }
        return result;
    }

    Long integer(Map<String, NodeTuple> entries, String key, String where, boolean required, Node parent, long min) {
        Node node = value(entries, key);
        if (isNull(node)) {
            if (required) {
                problem(node == null ? parent : node, where, "missing required field '" + key + "' (a whole number)");
            }
            return null;
        }
        if (node instanceof ScalarNode scalar && Tag.INT.equals(scalar.getTag())) {
            try {
                long value = Long.parseLong(scalar.getValue().replace("_", ""));
                if (value < min) {
                    problem(node, where, "'" + key + "' must be at least " + min + ", found " + value);
                    return null;
                }
                return value;
            } catch (NumberFormatException e) {
                // falls through to the problem below
            }
        }
        problem(node, where, "'" + key + "' must be a whole number, found " + describe(node));
        return null;
    }

    Boolean bool(Map<String, NodeTuple> entries, String key, String where) {
        Node node = value(entries, key);
        if (isNull(node)) {
            return null;
        }
        if (node instanceof ScalarNode scalar && Tag.BOOL.equals(scalar.getTag())) {
            return Boolean.parseBoolean(scalar.getValue());
        }
        problem(node, where, "'" + key + "' must be true or false, found " + describe(node));
        return null;
    }

    /** The plain Java form of a node (maps, lists, strings, numbers, booleans, null), for free-form sections. */
    static Object plain(Node node) {
        if (node instanceof MappingNode mapping) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                map.put(((ScalarNode) tuple.getKeyNode()).getValue(), plain(tuple.getValueNode()));
            }
            return map;
        }
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue().stream().map(YamlReader::plain).toList();
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return null;
        }
        if (Tag.BOOL.equals(tag)) {
            return Boolean.parseBoolean(scalar.getValue());
        }
        if (Tag.INT.equals(tag)) {
            return Long.parseLong(scalar.getValue());
        }
        if (Tag.FLOAT.equals(tag)) {
            return Double.parseDouble(scalar.getValue());
        }
        return scalar.getValue();
    }

    static String describe(Node node) {
        if (node == null || isNull(node)) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        String value = ((ScalarNode) node).getValue();
        return "'" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'";
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }
}
