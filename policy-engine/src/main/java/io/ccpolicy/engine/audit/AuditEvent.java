package io.ccpolicy.engine.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit event of {@link #TOPIC}, version 1: the guide's schema (version, timestamp, eventId, user, machine,
 * session, action, policyCheck, context) plus the decision, Claude Code's join keys and the per-machine hash chain.
 * The agent and the services build it, every consumer reads it; {@code audit-event-v1.schema.json} describes its wire
 * form ({@link #toMap()}), and {@link #fromMap} reads that form back, naming the JSON pointer of what is missing or
 * mistyped. Fields this version does not know are kept in {@code extra}, so a newer producer's event reads and writes
 * back whole. The hash chain is computed over the wire form ({@link AuditChain}).
 *
 * <p>Only what the audit store keys on is always present (eventId, timestamp, machine.id, action.type): an event from an
 * older or misconfigured producer is kept with what it has, so the other parts may be null.
 *
 * @param user        null for an event without an identity (reports count those)
 * @param session     null for administrative events, which no Claude Code session makes
 * @param policyCheck null for events no policy was checked for (errors, administrative changes)
 * @param decision    null likewise
 * @param context     the session's context at the event (tokenCount; the prompt's hash and length), or null
 * @param change      what an administrative event changed, or null
 * @param joinKeys    Claude Code's join keys present in the hook payload ({@link #JOIN_KEYS})
 * @param chain       null before the event is sealed into its machine's chain
 */
public record AuditEvent(String version, Instant timestamp, String eventId, String eventType, User user, Machine machine, Session session,
        Action action, PolicyCheck policyCheck, DecisionTaken decision, Map<String, Object> context, String error,
        Map<String, Object> change, Map<String, String> joinKeys, Chain chain, Map<String, Object> extra) {

    /** The Kafka topic of audit events, for every producer and consumer. */
    public static final String TOPIC = "audit.events.v1";
    public static final String VERSION = "1.0";
    /** Claude Code's identifiers that join an event to its transcript, copied from the hook payload when present. */
    public static final List<String> JOIN_KEYS = List.of("tool_use_id", "prompt_id", "agent_id", "agent_type", "permission_mode");
    /** The top-level fields of version 1 (the schema's properties). */
    public static final Set<String> FIELDS = Set.of("version", "timestamp", "eventId", "eventType", "user", "machine", "session", "action",
            "policyCheck", "decision", "context", "error", "change", "tool_use_id", "prompt_id", "agent_id", "agent_type", "permission_mode",
            "seq", "prev_hash", "hash", "signature");

    public AuditEvent {
        context = context == null ? null : copy(context);
        change = change == null ? null : copy(change);
        joinKeys = joinKeys == null ? Map.of() : Map.copyOf(joinKeys);
        extra = extra == null ? Map.of() : copy(extra);
    }

    /** {@code id}: the identity provider's stable subject id, when the agent's bundle was issued for a signed-in developer. */
    public record User(String email, List<String> teams, String department, String id) {
        public User {
            teams = teams == null ? null : List.copyOf(teams);
        }

        public User(String email, List<String> teams, String department) {
            this(email, teams, department, null);
        }
    }

    public record Machine(String id, String hostname, String os) {
    }

    /**
     * {@code startTime}: when the session began (its transcript's first entry), when the agent can tell; {@code home}: the
     * developer's home directory, which {@code ~} in a policy meant for this event (so a replay judges it the same way).
     */
    public record Session(String id, String projectPath, String project, String startTime, String home) {

        public Session(String id, String projectPath, String project) {
            this(id, projectPath, project, null, null);
        }
    }

    /**
     * {@code type}: the guide's event type (tool_execution, file_modification, mcp_call, policy_change, ...);
     * {@code duration}: milliseconds the tool ran, when Claude Code says (PostToolUse); {@code writes}: the paths a
     * file_modification writes as the policy engine read them (a Bash command's included), or null.
     */
    public record Action(String type, String tool, Map<String, Object> params, String result, Long duration, List<String> writes) {
        public Action {
            params = params == null ? null : copy(params);
            writes = writes == null ? null : List.copyOf(writes);
        }

        /** Without a duration or paths written (only a finished tool call has a duration, from PostToolUse's duration_ms). */
        public Action(String type, String tool, Map<String, Object> params, String result) {
            this(type, tool, params, result, null, null);
        }
    }

    public record PolicyCheck(List<String> policies, String result, List<Violation> violations) {
        public PolicyCheck {
            policies = List.copyOf(policies);
            violations = List.copyOf(violations);
        }

        /** The violations that stand: a policy matched and was not exempted (enforced, warned, or shadowed). */
        public List<Violation> standing() {
            return violations.stream().filter(v -> !"allow".equals(v.effect()) || !"allow".equals(v.wouldBe())).toList();
        }
    }

    /** A policy that matched: what it did ({@code effect}) and would do when enforced ({@code wouldBe}). */
    public record Violation(String policy, String severity, String mode, String effect, String wouldBe, String value, String message,
            String exceptionId) {
    }

    public record DecisionTaken(String id, String verdict, String wouldBe, List<String> exceptions, List<String> expiredExceptions,
            String policyRevision, String policySha256, long latencyMicros) {
        public DecisionTaken {
            exceptions = List.copyOf(exceptions);
            expiredExceptions = List.copyOf(expiredExceptions);
        }
    }

    /** The event's place in its machine's chain, and the machine's signature over its hash (null when unsigned). */
    public record Chain(long seq, String prevHash, String hash, Map<String, Object> signature) {
        public Chain {
            signature = signature == null ? null : copy(signature);
        }
    }

    /** An unsealed event with the given parts (no error, change, or unknown fields). */
    public static AuditEvent of(Instant timestamp, String eventId, String eventType, User user, Machine machine, Session session,
            Action action, PolicyCheck policyCheck, DecisionTaken decision, Map<String, Object> context, Map<String, String> joinKeys) {
        return new AuditEvent(VERSION, timestamp, eventId, eventType, user, machine, session, action, policyCheck, decision, context, null,
                null, joinKeys, null, Map.of());
    }

    public AuditEvent withError(String why) {
        return new AuditEvent(version, timestamp, eventId, eventType, user, machine, session, action, policyCheck, decision, context, why,
                change, joinKeys, chain, extra);
    }

    public AuditEvent withChange(Map<String, Object> what) {
        return new AuditEvent(version, timestamp, eventId, eventType, user, machine, session, action, policyCheck, decision, context, error,
                what, joinKeys, chain, extra);
    }

    /** The wire form: a JSON-ready map in the schema's field order. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        putIfPresent(map, "version", version);
        map.put("timestamp", timestamp.toString());
        map.put("eventId", eventId);
        putIfPresent(map, "eventType", eventType);
        if (user != null) {
            Map<String, Object> u = new LinkedHashMap<>();
            putIfPresent(u, "email", user.email());
            putIfPresent(u, "teams", user.teams());
            putIfPresent(u, "department", user.department());
            putIfPresent(u, "id", user.id());
            map.put("user", u);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", machine.id());
        putIfPresent(m, "hostname", machine.hostname());
        putIfPresent(m, "os", machine.os());
        map.put("machine", m);
        if (session != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            putIfPresent(s, "id", session.id());
            putIfPresent(s, "projectPath", session.projectPath());
            putIfPresent(s, "startTime", session.startTime());
            putIfPresent(s, "project", session.project());
            putIfPresent(s, "home", session.home());
            map.put("session", s);
        }
        JOIN_KEYS.forEach(key -> putIfPresent(map, key, joinKeys.get(key)));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("type", action.type());
        putIfPresent(a, "tool", action.tool());
        putIfPresent(a, "params", action.params());
        putIfPresent(a, "result", action.result());
        putIfPresent(a, "duration", action.duration());
        putIfPresent(a, "writes", action.writes());
        map.put("action", a);
        if (policyCheck != null) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("policies", policyCheck.policies());
            putIfPresent(p, "result", policyCheck.result());
            p.put("violations", policyCheck.violations().stream().map(AuditEvent::violationMap).toList());
            map.put("policyCheck", p);
        }
        if (decision != null) {
            Map<String, Object> d = new LinkedHashMap<>();
            putIfPresent(d, "id", decision.id());
            putIfPresent(d, "verdict", decision.verdict());
            putIfPresent(d, "wouldBe", decision.wouldBe());
            d.put("exceptions", decision.exceptions());
            d.put("expiredExceptions", decision.expiredExceptions());
            putIfPresent(d, "policyRevision", decision.policyRevision());
            putIfPresent(d, "policySha256", decision.policySha256());
            d.put("latencyMicros", decision.latencyMicros());
            map.put("decision", d);
        }
        putIfPresent(map, "context", context);
        putIfPresent(map, "error", error);
        putIfPresent(map, "change", change);
        map.putAll(extra);
        if (chain != null) {
            map.put("seq", chain.seq());
            map.put("prev_hash", chain.prevHash());
            map.put("hash", chain.hash());
            putIfPresent(map, "signature", chain.signature());
        }
        return map;
    }

    private static Map<String, Object> violationMap(Violation v) {
        Map<String, Object> map = new LinkedHashMap<>();
        putIfPresent(map, "policy", v.policy());
        putIfPresent(map, "severity", v.severity());
        putIfPresent(map, "mode", v.mode());
        putIfPresent(map, "effect", v.effect());
        putIfPresent(map, "wouldBe", v.wouldBe());
        putIfPresent(map, "value", v.value());
        putIfPresent(map, "message", v.message());
        putIfPresent(map, "exceptionId", v.exceptionId());
        return map;
    }

    /**
     * Reads the wire form. What the audit store keys on is required (eventId, timestamp, machine.id, action.type), and
     * a missing or mistyped one is named by its JSON pointer in the exception. Everything else is read where its type
     * is right and left out where it is not (an event without a user, or with a number where a string belongs, is still
     * evidence: the trail keeps it whole, and readers see what could be read).
     */
    public static AuditEvent fromMap(Map<?, ?> map) {
        Fields top = new Fields(map, "");
        Fields u = top.object("user", false);
        Fields m = top.object("machine", true);
        Fields s = top.object("session", false);
        Fields a = top.object("action", true);
        Fields p = top.object("policyCheck", false);
        Fields d = top.object("decision", false);
        String timestamp = top.text("timestamp", true);
        Instant at;
        try {
            at = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("/timestamp is not an ISO-8601 instant: " + timestamp);
        }
        Map<String, String> joinKeys = new LinkedHashMap<>();
        JOIN_KEYS.forEach(key -> {
            String value = top.text(key, false);
            if (value != null) {
                joinKeys.put(key, value);
            }
        });
        Chain chain = null;
        if (map.containsKey("seq") || map.containsKey("hash")) {
            chain = new Chain(top.number("seq"), top.text("prev_hash", true), top.text("hash", true), top.map("signature"));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!FIELDS.contains(String.valueOf(k))) {
                extra.put(String.valueOf(k), v);
            }
        });
        return new AuditEvent(top.text("version", false), at, top.text("eventId", true), top.text("eventType", false),
                u == null ? null : new User(u.text("email", false), u.texts("teams"), u.text("department", false), u.text("id", false)),
                new Machine(m.text("id", true), m.text("hostname", false), m.text("os", false)),
                s == null ? null : new Session(s.text("id", false), s.text("projectPath", false), s.text("project", false), s.text("startTime", false),
                        s.text("home", false)),
                new Action(a.text("type", true), a.text("tool", false), a.map("params"), a.text("result", false),
                        a.map.get("duration") instanceof Number n ? n.longValue() : null, a.texts("writes")),
                p == null ? null : new PolicyCheck(orEmpty(p.texts("policies")), p.text("result", false), p.violations()),
                d == null ? null : new DecisionTaken(d.text("id", false), d.text("verdict", false), d.text("wouldBe", false),
                        orEmpty(d.texts("exceptions")), orEmpty(d.texts("expiredExceptions")), d.text("policyRevision", false),
                        d.text("policySha256", false), d.optionalNumber("latencyMicros")),
                top.map("context"), top.text("error", false), top.map("change"), joinKeys, chain, extra);
    }

    /** The user's email, or "" for an event without one. */
    public String email() {
        return user == null || user.email() == null ? "" : user.email();
    }

    /** The decision's verdict (allow, warn, ask, deny), or "" for an event without a decision. */
    public String verdict() {
        return decision == null || decision.verdict() == null ? "" : decision.verdict();
    }

    /** The policies that were checked, or none. */
    public List<String> policies() {
        return policyCheck == null ? List.of() : policyCheck.policies();
    }

    /** The violations that stand (see {@link PolicyCheck#standing()}), or none. */
    public List<Violation> standingViolations() {
        return policyCheck == null ? List.of() : policyCheck.standing();
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** A JSON-ready copy that tolerates null values (Map.copyOf does not). */
    private static Map<String, Object> copy(Map<String, Object> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** One JSON object of the wire form and its pointer, for errors that say where. */
    private record Fields(Map<?, ?> map, String pointer) {

        Fields object(String field, boolean required) {
            Object value = map.get(field);
            if (!required && !(value instanceof Map<?, ?>)) {
                return null;
            }
            if (!(value instanceof Map<?, ?> nested)) {
                throw new IllegalArgumentException(pointer + "/" + field + (value == null ? " is missing" : " is not an object"));
            }
            return new Fields(nested, pointer + "/" + field);
        }

        String text(String field, boolean required) {
            Object value = map.get(field);
            if (!required && !(value instanceof String)) {
                return null;
            }
            if (!(value instanceof String text) || (required && text.isBlank())) {
                throw new IllegalArgumentException(pointer + "/" + field + " is missing or not a non-empty string");
            }
            return text;
        }

        List<String> texts(String field) {
            Object value = map.get(field);
            if (value == null) {
                return null;
            }
            if (!(value instanceof List<?> list)) {
                return null;
            }
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }

        long number(String field) {
            if (!(map.get(field) instanceof Number n)) {
                throw new IllegalArgumentException(pointer + "/" + field + " is missing or not a number");
            }
            return n.longValue();
        }

        long optionalNumber(String field) {
            return map.get(field) instanceof Number n ? n.longValue() : 0;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map(String field) {
            Object value = map.get(field);
            return value instanceof Map<?, ?> nested ? (Map<String, Object>) nested : null;
        }

        List<Violation> violations() {
            if (!(map.get("violations") instanceof List<?> list)) {
                return List.of();
            }
            List<Violation> violations = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof Map<?, ?> v)) {
                    continue;
                }
                Fields f = new Fields(v, pointer + "/violations/" + i);
                violations.add(new Violation(f.text("policy", false), f.text("severity", false), f.text("mode", false), f.text("effect", false),
                        f.text("wouldBe", false), f.text("value", false), f.text("message", false), f.text("exceptionId", false)));
            }
            return violations;
        }
    }
}
