package io.ccpolicy.engine.parse;

import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.audit.Sha256;
import io.ccpolicy.engine.model.AppliesTo;
import io.ccpolicy.engine.model.AuditSettings;
import io.ccpolicy.engine.model.Mode;
import io.ccpolicy.engine.model.OnViolation;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.model.PolicyType;
import io.ccpolicy.engine.model.Severity;
import io.ccpolicy.engine.model.Target;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Parses and validates a policy document. Either the whole document is valid and a {@link PolicyDocument} comes back,
 * or {@link PolicyValidationException} lists every problem with file, line and column: nothing half-loads.
 */
public final class PolicyParser {

    /** Documents larger than this are refused before parsing. */
    public static final int MAX_DOCUMENT_CHARS = 2 * 1024 * 1024;

    private static final Set<String> TOP_KEYS = Set.of("version", "organization", "effective_date", "last_updated", "policies",
            "audit", "exceptions", "claude_code", "enforcement");
    private static final Set<String> POLICY_KEYS = Set.of("name", "description", "type", "target", "values", "pattern", "max",
            "severity", "message", "mode", "applies_to", "tools", "on_violation", "warn_at_percent", "count");
    private static final Set<String> APPLIES_TO_KEYS = Set.of("teams", "projects", "users");
    private static final Set<String> EXCEPTION_KEYS = Set.of("id", "user", "team", "project", "exempt_from", "reason",
            "approved_by", "expires", "reviewed_at");
    private static final Set<String> AUDIT_KEYS = Set.of("enabled", "destination", "batch_size", "flush_interval",
            "include_events", "exclude_patterns", "include_prompts", "show_logged");
    private static final Set<String> SUPPORTED_VERSIONS = Set.of("1.0", "1");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");
    private static final Set<String> PLACEHOLDERS = Set.of("value", "current", "max", "policy");

    private PolicyParser() {
    }

    public static PolicyDocument parse(String source, String text) throws PolicyValidationException {
        if (text.length() > MAX_DOCUMENT_CHARS) {
            throw new PolicyValidationException(List.of(new PolicyProblem(source, 1, 1, "",
                    "document is " + text.length() + " characters; the limit is " + MAX_DOCUMENT_CHARS)));
        }
        Node root = YamlReader.compose(source, text, MAX_DOCUMENT_CHARS);
        YamlReader yaml = new YamlReader(source);
        if (root == null) {
            yaml.problem(null, "", "the document is empty");
            throw new PolicyValidationException(yaml.problems());
        }
        PolicyDocument document = new DocumentParser(yaml, source, sha256(text)).document(root);
        if (!yaml.problems().isEmpty()) {
            throw new PolicyValidationException(inDocumentOrder(yaml.problems()));
        }
        return document;
    }

    static List<PolicyProblem> inDocumentOrder(List<PolicyProblem> problems) {
        List<PolicyProblem> sorted = new ArrayList<>(problems);
        sorted.sort(java.util.Comparator.comparingInt(PolicyProblem::line).thenComparingInt(PolicyProblem::column));
        return sorted;
    }

    public static String sha256(String text) {
        return Sha256.hex(text);
    }

    /** Parses a date-only ({@code 2024-12-31}, the end of that day UTC) or a full ISO-8601 timestamp. */
    static Optional<Instant> expiry(String text) {
        try {
            return Optional.of(LocalDate.parse(text).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException notADate) {
            try {
                return Optional.of(OffsetDateTime.parse(text).toInstant());
            } catch (DateTimeParseException notATimestamp) {
                return Optional.empty();
            }
        }
    }

    private static final class DocumentParser {
        private final YamlReader yaml;
        private final String source;
        private final String sha256;
        /** Every policy name the document declares, valid or not, so exceptions are checked against what was written. */
        private final Map<String, Integer> declared = new HashMap<>();

        DocumentParser(YamlReader yaml, String source, String sha256) {
            this.yaml = yaml;
            this.source = source;
            this.sha256 = sha256;
        }

        PolicyDocument document(Node root) {
            Map<String, NodeTuple> top = yaml.mapping(root, "", TOP_KEYS);
            if (top == null) {
                return null;
            }
            String version = yaml.string(top, "version", "", true, root);
            if (version != null && !SUPPORTED_VERSIONS.contains(version)) {
                yaml.problem(YamlReader.value(top, "version"), "", "unsupported version '" + version + "' (supported: 1.0)");
            }
            String organization = yaml.string(top, "organization", "", true, root);
            Optional<LocalDate> effective = date(top, "effective_date");
            Optional<LocalDate> updated = date(top, "last_updated");
            List<Policy> policies = policies(top, root);
            AuditSettings audit = audit(YamlReader.value(top, "audit"));
            List<PolicyException> exceptions = exceptions(YamlReader.value(top, "exceptions"));
            Map<String, Object> claudeCode = ClaudeCodeSection.validate(yaml, YamlReader.value(top, "claude_code"));
            Map<String, Object> enforcement = EnforcementSection.validate(yaml, YamlReader.value(top, "enforcement"));
            Map<String, Object> nativeSettings = new LinkedHashMap<>(claudeCode);
            if (!enforcement.isEmpty()) {
                nativeSettings.put(EnforcementSection.KEY, enforcement);
            }
            return new PolicyDocument(source, sha256, version, organization, effective, updated, policies, audit, exceptions,
                    nativeSettings);
        }

        private Optional<LocalDate> date(Map<String, NodeTuple> top, String key) {
            String text = yaml.string(top, key, "", false, null);
            if (text == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(LocalDate.parse(text));
            } catch (DateTimeParseException e) {
                yaml.problem(YamlReader.value(top, key), "", "'" + key + "' is not a date (YYYY-MM-DD): '" + text + "'");
                return Optional.empty();
            }
        }

        private List<Policy> policies(Map<String, NodeTuple> top, Node root) {
            Node node = YamlReader.value(top, "policies");
            if (YamlReader.isNull(node)) {
                yaml.problem(node == null ? root : node, "", "missing required field 'policies' (a list)");
                return List.of();
            }
            if (!(node instanceof SequenceNode sequence)) {
                yaml.problem(node, "", "'policies' must be a list, found " + YamlReader.describe(node));
                return List.of();
            }
            List<Policy> policies = new ArrayList<>();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                int before = yaml.problems().size();
                Policy policy = policy(item, i, declared);
                if (policy != null && yaml.problems().size() == before) {
                    policies.add(policy);
                }
            }
            return policies;
        }

        private Policy policy(Node node, int index, Map<String, Integer> seen) {
            String where = "policies[" + index + "]";
            Map<String, NodeTuple> fields = yaml.mapping(node, where, null);
            if (fields == null) {
                return null;
            }
            int before = yaml.problems().size();
            String name = yaml.string(fields, "name", where, true, node);
            if (name != null) {
                where = where + " (" + name + ")";
                Integer first = seen.putIfAbsent(name, index);
                if (first != null) {
                    yaml.problem(node, where, "duplicate policy name; policies[" + first + "] already uses it");
                }
            }
            for (Map.Entry<String, NodeTuple> field : fields.entrySet()) {
                if (!POLICY_KEYS.contains(field.getKey())) {
                    yaml.problem(field.getValue().getKeyNode(), where, "unknown key '" + field.getKey() + "' (known keys: "
                            + String.join(", ", POLICY_KEYS.stream().sorted().toList()) + ")");
                }
            }
            String description = Optional.ofNullable(yaml.string(fields, "description", where, false, node)).orElse("");
            PolicyType type = enumField(fields, "type", where, node, PolicyType::fromYaml, "allowlist, denylist, pattern-deny, require, limit");
            Target target = target(fields, where, node);
            Severity severity = enumField(fields, "severity", where, node, Severity::fromYaml, "error, warning, info");
            Mode mode = optionalEnum(fields, "mode", where, Mode::fromYaml, "enforce, warn, audit", Mode.ENFORCE);
            OnViolation onViolation = optionalEnum(fields, "on_violation", where, OnViolation::fromYaml, "deny, ask", OnViolation.DENY);
            if (type != null && target != null && !target.accepts(type)) {
                yaml.problem(YamlReader.value(fields, "type"), where, "type '" + type.yaml() + "' cannot be used with target '"
                        + target.yaml() + "' (it takes: " + String.join(", ", target.acceptedTypes().stream().map(PolicyType::yaml).toList()) + ")");
            }
            List<String> values = List.of();
            com.google.re2j.Pattern pattern = null;
            OptionalLong max = OptionalLong.empty();
            int warnAt = 100;
            List<String> count = List.of();
            if (type != null) {
                boolean takesValues = type == PolicyType.ALLOWLIST || type == PolicyType.DENYLIST || type == PolicyType.REQUIRE;
                if (takesValues) {
                    values = Optional.ofNullable(yaml.strings(fields, "values", where, true, node)).orElse(List.of());
                } else {
                    notFor(fields, "values", type, where);
                }
                if (type == PolicyType.PATTERN_DENY) {
                    pattern = regex(fields, where, node);
                } else {
                    notFor(fields, "pattern", type, where);
                }
                if (type == PolicyType.LIMIT) {
                    Long limit = yaml.integer(fields, "max", where, true, node, 0);
                    max = limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
                    Long percent = yaml.integer(fields, "warn_at_percent", where, false, node, 1);
                    if (percent != null && percent > 100) {
                        yaml.problem(YamlReader.value(fields, "warn_at_percent"), where, "'warn_at_percent' must be 1 to 100 (100: warn only at the "
                                + "limit), found " + percent);
                    }
                    warnAt = percent == null ? Policy.DEFAULT_WARN_AT_PERCENT : (int) Math.min(percent, 100);
                } else {
                    notFor(fields, "max", type, where);
                    notFor(fields, "warn_at_percent", type, where);
                }
            }
            if (target == Target.SESSION_TOKENS) {
                count = Optional.ofNullable(yaml.strings(fields, "count", where, false, node)).orElse(SessionState.KINDS);
                for (String kind : count) {
                    if (!SessionState.KINDS.contains(kind)) {
                        yaml.problem(YamlReader.value(fields, "count"), where, "'count' names token kinds: " + String.join(", ", SessionState.KINDS)
                                + "; found '" + kind + "'");
                    }
                }
            } else if (fields.containsKey("count")) {
                yaml.problem(fields.get("count").getKeyNode(), where, "'count' applies to target 'sessionTokens' only");
            }
            String message = yaml.string(fields, "message", where, false, node);
            if (message != null) {
                Matcher placeholder = PLACEHOLDER.matcher(message);
                while (placeholder.find()) {
                    if (!PLACEHOLDERS.contains(placeholder.group(1))) {
                        yaml.problem(YamlReader.value(fields, "message"), where, "unknown placeholder {{" + placeholder.group(1)
                                + "}} in message (use {{value}}, {{current}}, {{max}}, {{policy}})");
                    }
                }
            }
            AppliesTo appliesTo = appliesTo(YamlReader.value(fields, "applies_to"), where);
            List<String> tools = Optional.ofNullable(yaml.strings(fields, "tools", where, false, node)).orElse(List.of());
            if (yaml.problems().size() > before || name == null || type == null || target == null || severity == null) {
                return null;
            }
            return new Policy(name, description, type, target, values, pattern, max, severity,
                    message == null ? defaultMessage(type, target) : message, mode, onViolation, appliesTo, tools, warnAt, count);
        }

        private Target target(Map<String, NodeTuple> fields, String where, Node node) {
            String text = yaml.string(fields, "target", where, true, node);
            if (text == null) {
                return null;
            }
            Optional<Target> target = Target.fromYaml(text);
            if (target.isEmpty()) {
                yaml.problem(YamlReader.value(fields, "target"), where, "unknown target '" + text + "' (known targets: "
                        + String.join(", ", java.util.Arrays.stream(Target.values()).map(Target::yaml).toList()) + ")");
            }
            return target.orElse(null);
        }

        /**
         * A pattern for the linear-time matcher (RE2 syntax), so no input can make a match slow: features that need
         * backtracking are refused, named, with their position.
         */
        private com.google.re2j.Pattern regex(Map<String, NodeTuple> fields, String where, Node node) {
            String text = yaml.string(fields, "pattern", where, true, node);
            if (text == null) {
                return null;
            }
            Optional<String> unsupported = UnsupportedRegex.find(text);
            if (unsupported.isPresent()) {
                yaml.problem(YamlReader.value(fields, "pattern"), where, "pattern uses " + unsupported.get()
                        + ", which the linear-time matcher does not support (RE2 syntax: no lookaround, backreferences, "
                        + "atomic groups or possessive quantifiers)");
                return null;
            }
            try {
                return com.google.re2j.Pattern.compile(text);
            } catch (com.google.re2j.PatternSyntaxException e) {
                yaml.problem(YamlReader.value(fields, "pattern"), where, "pattern does not compile: " + e.getDescription()
                        + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
                return null;
            }
        }

        private void notFor(Map<String, NodeTuple> fields, String key, PolicyType type, String where) {
            if (fields.containsKey(key)) {
                yaml.problem(fields.get(key).getKeyNode(), where, "'" + key + "' does not apply to type '" + type.yaml() + "'");
            }
        }

        private <E> E enumField(Map<String, NodeTuple> fields, String key, String where, Node node,
                java.util.function.Function<String, Optional<E>> lookup, String known) {
            String text = yaml.string(fields, key, where, true, node);
            if (text == null) {
                return null;
            }
            Optional<E> value = lookup.apply(text);
            if (value.isEmpty()) {
                yaml.problem(YamlReader.value(fields, key), where, "unknown " + key + " '" + text + "' (known: " + known + ")");
            }
            return value.orElse(null);
        }

        private <E> E optionalEnum(Map<String, NodeTuple> fields, String key, String where,
                java.util.function.Function<String, Optional<E>> lookup, String known, E fallback) {
            if (YamlReader.isNull(YamlReader.value(fields, key))) {
                return fallback;
            }
            E value = enumField(fields, key, where, null, lookup, known);
            return value == null ? fallback : value;
        }

        private AppliesTo appliesTo(Node node, String where) {
            if (YamlReader.isNull(node)) {
                return AppliesTo.EVERYONE;
            }
            String here = where + ".applies_to";
            Map<String, NodeTuple> fields = yaml.mapping(node, here, APPLIES_TO_KEYS);
            if (fields == null) {
                return AppliesTo.EVERYONE;
            }
            return new AppliesTo(
                    Optional.ofNullable(yaml.strings(fields, "teams", here, false, node)).orElse(List.of()),
                    Optional.ofNullable(yaml.strings(fields, "projects", here, false, node)).orElse(List.of()),
                    Optional.ofNullable(yaml.strings(fields, "users", here, false, node)).orElse(List.of()));
        }

        private AuditSettings audit(Node node) {
            if (YamlReader.isNull(node)) {
                return AuditSettings.DEFAULT;
            }
            Map<String, NodeTuple> fields = yaml.mapping(node, "audit", AUDIT_KEYS);
            if (fields == null) {
                return AuditSettings.DEFAULT;
            }
            Boolean enabled = yaml.bool(fields, "enabled", "audit");
            String destination = yaml.string(fields, "destination", "audit", false, node);
            if (destination != null && !AuditSettings.validDestination(destination)) {
                yaml.problem(YamlReader.value(fields, "destination"), "audit", "destination must be an https:// URL of audit-ingest's "
                        + "batch endpoint (http:// only on this machine: 127.0.0.1, localhost), or 'kafka' for the agent.yaml's Kafka; got '"
                        + destination + "'");
            }
            Long batch = yaml.integer(fields, "batch_size", "audit", false, node, 1);
            Long flush = yaml.integer(fields, "flush_interval", "audit", false, node, 1);
            List<String> events = Optional.ofNullable(yaml.strings(fields, "include_events", "audit", false, node)).orElse(List.of());
            Node eventsNode = YamlReader.value(fields, "include_events");
            for (String event : events) {
                if (!AuditSettings.EVENT_TYPES.contains(event)) {
                    yaml.problem(eventsNode, "audit", "unknown event type '" + event + "' in include_events (known: "
                            + String.join(", ", AuditSettings.EVENT_TYPES.stream().sorted().toList()) + ")");
                }
            }
            List<String> excluded = excludePatterns(YamlReader.value(fields, "exclude_patterns"));
            Boolean prompts = yaml.bool(fields, "include_prompts", "audit");
            Boolean showLogged = yaml.bool(fields, "show_logged", "audit");
            AuditSettings defaults = AuditSettings.DEFAULT;
            return new AuditSettings(enabled == null ? defaults.enabled() : enabled, destination == null ? "" : destination,
                    batch == null ? defaults.batchSize() : Math.toIntExact(Math.min(batch, 100_000)),
                    flush == null ? defaults.flushIntervalSeconds() : Math.toIntExact(Math.min(flush, 86_400)),
                    new LinkedHashSet<>(events), excluded, prompts != null && prompts, showLogged != null && showLogged);
        }

        private List<String> excludePatterns(Node node) {
            if (YamlReader.isNull(node)) {
                return List.of();
            }
            if (!(node instanceof SequenceNode sequence)) {
                yaml.problem(node, "audit", "'exclude_patterns' must be a list of {path: glob}, found " + YamlReader.describe(node));
                return List.of();
            }
            List<String> paths = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                Map<String, NodeTuple> fields = yaml.mapping(item, "audit.exclude_patterns", Set.of("path"));
                if (fields != null) {
                    String path = yaml.string(fields, "path", "audit.exclude_patterns", true, item);
                    if (path != null) {
                        paths.add(path);
                    }
                }
            }
            return paths;
        }

        private List<PolicyException> exceptions(Node node) {
            if (YamlReader.isNull(node)) {
                return List.of();
            }
            if (!(node instanceof SequenceNode sequence)) {
                yaml.problem(node, "", "'exceptions' must be a list, found " + YamlReader.describe(node));
                return List.of();
            }
            Set<String> policyNames = declared.keySet();
            List<PolicyException> exceptions = new ArrayList<>();
            Set<String> ids = new java.util.HashSet<>();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                Node item = sequence.getValue().get(i);
                PolicyException exception = exception(item, i, policyNames);
                if (exception != null) {
                    if (!ids.add(exception.id())) {
                        yaml.problem(item, "exceptions[" + i + "]", "duplicate exception id '" + exception.id() + "'");
                        continue;
                    }
                    exceptions.add(exception);
                }
            }
            return exceptions;
        }

        private PolicyException exception(Node node, int index, Set<String> policyNames) {
            String where = "exceptions[" + index + "]";
            Map<String, NodeTuple> fields = yaml.mapping(node, where, EXCEPTION_KEYS);
            if (fields == null) {
                return null;
            }
            int before = yaml.problems().size();
            List<PolicyException.Scope> scopes = new ArrayList<>();
            for (PolicyException.Scope scope : PolicyException.Scope.values()) {
                if (fields.containsKey(scope.yaml())) {
                    scopes.add(scope);
                }
            }
            PolicyException.Scope scope = null;
            String subject = null;
            if (scopes.size() != 1) {
                yaml.problem(node, where, "name exactly one of user, team or project (found " + scopes.size() + ")");
            } else {
                scope = scopes.get(0);
                subject = yaml.string(fields, scope.yaml(), where, true, node);
            }
            List<String> exemptFrom = Optional.ofNullable(yaml.strings(fields, "exempt_from", where, true, node)).orElse(List.of());
            for (String policy : exemptFrom) {
                if (!policyNames.contains(policy)) {
                    yaml.problem(YamlReader.value(fields, "exempt_from"), where, "exempt_from names unknown policy '" + policy + "'");
                }
            }
            String reason = yaml.string(fields, "reason", where, true, node);
            String approvedBy = yaml.string(fields, "approved_by", where, true, node);
            Optional<Instant> expires = Optional.empty();
            String expiresText = yaml.string(fields, "expires", where, false, node);
            if (expiresText != null) {
                expires = expiry(expiresText);
                if (expires.isEmpty()) {
                    yaml.problem(YamlReader.value(fields, "expires"), where, "'expires' is not a date (YYYY-MM-DD) or timestamp "
                            + "(2024-12-23T00:00:00Z): '" + expiresText + "'");
                }
            }
            Optional<Instant> reviewedAt = Optional.empty();
            String reviewedText = yaml.string(fields, "reviewed_at", where, false, node);
            if (reviewedText != null) {
                reviewedAt = expiry(reviewedText).map(end -> reviewedText.contains("T") ? end : end.minus(java.time.Duration.ofDays(1)));
                if (reviewedAt.isEmpty()) {
                    yaml.problem(YamlReader.value(fields, "reviewed_at"), where, "'reviewed_at' is not a date (YYYY-MM-DD) or timestamp "
                            + "(2024-12-22T14:30:00Z): '" + reviewedText + "'");
                }
            }
            if (yaml.problems().size() > before || scope == null || subject == null) {
                return null;
            }
            String id = yaml.string(fields, "id", where, false, node);
            if (id == null) {
                id = scope.yaml() + ":" + subject + ":" + String.join("+", exemptFrom);
            }
            return new PolicyException(id, scope, subject, exemptFrom, reason, approvedBy, expires, List.of(), reviewedAt);
        }
    }

    static String defaultMessage(PolicyType type, Target target) {
        return switch (type) {
            case ALLOWLIST -> "'{{value}}' is not an approved " + target.yaml() + " value";
            case DENYLIST -> "'{{value}}' is not permitted (" + target.yaml() + ")";
            case PATTERN_DENY -> "Forbidden content detected in " + target.yaml();
            case REQUIRE -> "Required " + target.yaml() + " missing: {{value}}";
            case LIMIT -> target.yaml() + " limit exceeded ({{current}}/{{max}})";
        };
    }
}
