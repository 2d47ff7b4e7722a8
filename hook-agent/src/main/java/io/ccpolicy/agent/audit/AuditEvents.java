package io.ccpolicy.agent.audit;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.audit.SandboxViolations;
import io.ccpolicy.engine.audit.SecretMasker;
import io.ccpolicy.engine.eval.Wildcard;
import io.ccpolicy.engine.model.AuditSettings;
import io.ccpolicy.engine.parse.PolicyParser;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds audit events in the guide's schema (version, timestamp, eventId, user, machine, session, action, policyCheck,
 * context) plus the decision (id, verdict, would-be verdict, exceptions, policy revision and SHA-256, latency) and
 * Claude Code's join keys (tool_use_id, prompt_id, agent_id). File contents and prompts are never stored: their
 * SHA-256 and length stand in, and prompts read [REDACTED] unless the policy opts in. Secret-looking values in what is
 * kept (commands, paths, URLs, violation values, prompts when kept) are masked.
 */
public final class AuditEvents {

    private static final int MAX_TEXT = 2000;
    /** An MCP string argument longer than this is recorded as its hash and length, like file contents. */
    private static final int MAX_MCP_TEXT = 256;
    private static final java.util.Set<String> WRITE_TOOLS = java.util.Set.of("Write", "Edit", "MultiEdit", "NotebookEdit");
    private final AgentConfig agent;
    private final Clock clock;
    private final AuditEvent.Machine machine;
    private final java.util.function.Supplier<io.ccpolicy.engine.model.Identity> identity;
    private final java.util.function.Function<HookEvent, String> sessionStart;
    private final String home;
    /** The id the events of one received call derive theirs from; null for a fresh id each. */
    private final String eventId;

    public AuditEvents(AgentConfig agent, Clock clock) {
        this(agent, clock, agent::identity, event -> null, System.getProperty("user.home"));
    }

    /**
     * Recording events for {@code identity} (the signed bundle's, when a server issues them); {@code sessionStart} tells
     * when an event's session began (null when it cannot); {@code home}: the developer's home directory, recorded so a
     * replay reads {@code ~} in a policy as the agent did.
     */
    public AuditEvents(AgentConfig agent, Clock clock, java.util.function.Supplier<io.ccpolicy.engine.model.Identity> identity,
            java.util.function.Function<HookEvent, String> sessionStart, String home) {
        this.home = home;
        this.agent = agent;
        this.clock = clock;
        this.identity = identity;
        this.sessionStart = sessionStart;
        this.eventId = null;
        this.machine = new AuditEvent.Machine(agent.machineId(), hostname(), System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    private AuditEvents(AuditEvents of, AuditIntake.Call call) {
        this.agent = of.agent;
        this.clock = Clock.fixed(call.receivedAt(), java.time.ZoneOffset.UTC);
        this.identity = of.identity;
        this.sessionStart = of.sessionStart;
        this.home = of.home;
        this.machine = of.machine;
        this.eventId = call.eventId();
    }

    /** Events for a journaled call: stamped with the time it was received and its id, so a replay records the same event. */
    public AuditEvents receivedAs(AuditIntake.Call call) {
        return new AuditEvents(this, call);
    }

    /** How long the tool ran, as Claude Code measured it (PostToolUse's duration_ms); null when it does not say. */
    private static Long duration(HookEvent event) {
        return event.payload().get("duration_ms") instanceof Number ms && ms.longValue() >= 0 ? ms.longValue() : null;
    }

    /** The guide's event type for a hook event: a tool call that writes files, a Bash command included, is a file_modification. */
    public static String actionType(String event, String tool, Decision decision) {
        return switch (event) {
            // a failed call is still the guide's tool call, its result says it failed
            case "PreToolUse", "PostToolUse", "PostToolUseFailure" -> tool.startsWith("mcp__") ? "mcp_call"
                    : WRITE_TOOLS.contains(tool) || !decision.writes().isEmpty() ? "file_modification" : "tool_execution";
            case "PermissionRequest" -> "permission_request";
            case "UserPromptSubmit" -> "prompt_submit";
            case "SessionStart" -> "session_start";
            case "SessionEnd" -> "session_end";
            case "ConfigChange" -> "config_change";
            case "InstructionsLoaded" -> "instructions_loaded";
            case "SubagentStart" -> "subagent_start";
            case "SubagentStop" -> "subagent_stop";
            case "Stop" -> "stop";
            default -> "agent_error";
        };
    }

    /**
     * Whether the policy's audit section asks for this event. An event with a violation is a policy_violation as well as
     * its own type, and is always kept; any other event is left out by {@code exclude_patterns} only when every path it
     * writes or reads matches one (a path the engine cannot know matches none), it contacts no host, and the engine knows
     * all it does: appending {@code ; cat build.log} to a command must not take the command out of the audit.
     */
    public boolean recorded(AuditSettings settings, String name, HookEvent event, Decision decision) {
        if (!settings.enabled()) {
            return false;
        }
        String type = actionType(name, event.toolName(), decision);
        boolean violation = decision.matches().stream().anyMatch(m -> m.wouldBe() != Verdict.ALLOW || m.effect() != Verdict.ALLOW);
        if (!settings.records(type) && !(violation && settings.records("policy_violation"))) {
            return false;
        }
        if (violation || settings.excludePaths().isEmpty() || !decision.effectsKnown() || !decision.hosts().isEmpty()) {
            return true;
        }
        List<String> paths = java.util.stream.Stream.concat(decision.writes().stream(), decision.reads().stream()).toList();
        return paths.isEmpty() || !paths.stream().allMatch(path -> !path.startsWith(Decision.UNKNOWN_PATH)
                && settings.excludePaths().stream().anyMatch(glob -> excluded(glob, path)));
    }

    /** {@code *.log} matches a file name anywhere; a pattern with a slash ({@code node_modules/*}) matches the path's end. */
    private static boolean excluded(String glob, String path) {
        return glob.contains("/") ? Wildcard.matches("*" + glob, path) : Wildcard.matches(glob, path.substring(path.lastIndexOf('/') + 1));
    }

    /** {@code exceptions}: the policy's, so the ones applied are recorded with who approved them and when they were last reviewed. */
    public Map<String, Object> decision(String name, HookEvent event, String project, long tokens, Decision decision, long micros,
            boolean includePrompts, List<io.ccpolicy.engine.model.PolicyException> exceptions) {
        String type = actionType(name, event.toolName(), decision);
        AuditEvent.Action action = new AuditEvent.Action(type, event.toolName().isEmpty() ? null : event.toolName(),
                event.toolName().isEmpty() ? null : params(event), result(name, event, decision), duration(event),
                type.equals("file_modification") ? decision.writes().stream().map(AuditEvents::masked).toList() : null);
        AuditEvent.PolicyCheck check = new AuditEvent.PolicyCheck(decision.checked(), checkResult(decision),
                decision.matches().stream().map(m -> new AuditEvent.Violation(m.policy(), m.severity().yaml(), m.mode().yaml(), m.effect().yaml(),
                        m.wouldBe().yaml(), masked(m.value()), masked(m.message()), m.exceptionId())).toList());
        AuditEvent.DecisionTaken decided = new AuditEvent.DecisionTaken(decision.decisionId(), decision.verdict().yaml(),
                decision.wouldBe().yaml(), decision.exceptionsApplied(), decision.expiredExceptions(), decision.policyRevision(),
                decision.policySha256(), micros);
        Map<String, Object> context = new LinkedHashMap<>();
        String prompt = event.string("prompt");
        if (!prompt.isEmpty()) {
            context.put("prompt", includePrompts ? masked(prompt) : "[REDACTED]");
            context.put("promptSha256", PolicyParser.sha256(prompt));
            context.put("promptLength", prompt.length());
        }
        context.put("tokenCount", tokens);
        List<Map<String, Object>> applied = exceptions.stream().filter(e -> decision.exceptionsApplied().contains(e.id())).map(e -> {
            Map<String, Object> grant = new LinkedHashMap<>();
            grant.put("id", e.id());
            grant.put("approvedBy", e.approvedBy());
            e.expires().ifPresent(at -> grant.put("expires", at.toString()));
            e.reviewedAt().ifPresent(at -> grant.put("reviewedAt", at.toString()));
            return grant;
        }).toList();
        if (!applied.isEmpty()) {
            context.put("exceptions", applied);
        }
        return event(name, event, project, action, check, decided, context, "").toMap();
    }

    /** The policy check's result as the audit records it. */
    public static String checkResult(Decision decision) {
        return decision.matches().isEmpty() ? "passed" : decision.verdict() == Verdict.ALLOW ? "passed_with_findings"
                : decision.verdict() == Verdict.WARN ? "warned" : "violated";
    }

    /** What the OS sandbox stopped in a Bash call, as a violation of the policies it enforced there. */
    public Map<String, Object> sandboxViolation(String name, HookEvent event, String project, List<SandboxViolations.Finding> findings,
            String policyRevision, String policySha256) {
        AuditEvent.Action action = new AuditEvent.Action("sandbox_violation", event.toolName(), params(event), "blocked_by_sandbox");
        List<String> policies = findings.stream().flatMap(f -> f.policies().stream()).distinct().toList();
        // one violation per policy the sandbox enforced, so breakdowns by policy count it like any denial
        List<AuditEvent.Violation> violations = findings.stream().flatMap(f -> (f.policies().isEmpty() ? List.of("os-sandbox") : f.policies())
                .stream().map(policy -> new AuditEvent.Violation(policy, "error", "enforce", "deny", "deny", masked(f.detail()),
                        masked("The OS sandbox stopped a " + f.kind() + ": " + f.detail()), null))).toList();
        AuditEvent.DecisionTaken decided = new AuditEvent.DecisionTaken("sandbox_" + UUID.randomUUID(), "deny", "deny", List.of(), List.of(),
                policyRevision, policySha256, 0);
        return event(name, event, project, action, new AuditEvent.PolicyCheck(policies, "violated", violations), decided, null, "_sandbox")
                .toMap();
    }

    public Map<String, Object> error(String name, Map<String, Object> payload, String why) {
        return event(name.isEmpty() ? "unknown" : name, HookEvent.of(payload), "", new AuditEvent.Action("agent_error", null, null, "refused"),
                null, null, null, "_error").withError(masked(why)).toMap();
    }

    private AuditEvent event(String name, HookEvent event, String project, AuditEvent.Action action, AuditEvent.PolicyCheck check,
            AuditEvent.DecisionTaken decision, Map<String, Object> context, String idSuffix) {
        Map<String, String> joinKeys = new LinkedHashMap<>();
        for (String key : AuditEvent.JOIN_KEYS) {
            if (event.payload().get(key) instanceof String value) {
                joinKeys.put(key, value);
            }
        }
        // a journaled call's other events (what the sandbox stopped, an error) get ids derived from its own, as stable
        String id = eventId == null ? "evt_" + UUID.randomUUID() : idSuffix.isEmpty() ? eventId
                : "evt_" + UUID.nameUUIDFromBytes((eventId + idSuffix).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return AuditEvent.of(clock.instant(), id, name,
                user(identity.get()), machine,
                new AuditEvent.Session(event.sessionId(), event.cwd(), project, sessionStart.apply(event), home), action, check, decision, context, joinKeys);
    }

    private static AuditEvent.User user(io.ccpolicy.engine.model.Identity who) {
        return new AuditEvent.User(who.email(), who.teams(), who.department(), who.id().isEmpty() ? null : who.id());
    }

    private static Map<String, Object> params(HookEvent event) {
        Map<String, Object> params = new LinkedHashMap<>();
        boolean mcp = event.toolName().startsWith("mcp__");
        for (Map.Entry<String, Object> entry : event.toolInput().entrySet()) {
            Object value = entry.getValue();
            String key = entry.getKey();
            // file contents, prompts and long MCP arguments (documents, queries, messages) are never stored: hash and length
            if (value instanceof String text && (key.equals("content") || key.equals("new_string") || key.equals("old_string")
                    || key.equals("new_source") || key.equals("prompt") || (mcp && text.length() > MAX_MCP_TEXT))) {
                params.put(key + "Hash", "sha256:" + PolicyParser.sha256(text));
                params.put(key + "Length", text.length());
            } else if (value instanceof String text) {
                params.put(key, masked(text));
            } else if (value instanceof Number || value instanceof Boolean) {
                params.put(key, value);
            }
        }
        return params;
    }

    private static String result(String name, HookEvent event, Decision decision) {
        return switch (name) {
            case "PostToolUse" -> toolResponse(event, "interrupted") ? "interrupted"
                    : event.payload().get("tool_response") instanceof Map<?, ?> r && r.get("backgroundTaskId") instanceof String
                            ? "running_in_background" : "success";
            case "PostToolUseFailure" -> Boolean.TRUE.equals(event.payload().get("is_interrupt")) ? "interrupted"
                    : event.payload().get("error") instanceof String error && !error.isBlank()
                            ? "failure: " + masked(error.strip().lines().findFirst().orElse("")) : "failure";
            case "PreToolUse", "PermissionRequest", "UserPromptSubmit" -> switch (decision.verdict()) {
                case DENY -> "denied";
                case ASK -> "confirmation_required";
                case WARN -> "allowed_with_warning";
                case ALLOW -> "allowed";
            };
            default -> "recorded";
        };
    }

    private static boolean toolResponse(HookEvent event, String flag) {
        return event.payload().get("tool_response") instanceof Map<?, ?> response && Boolean.TRUE.equals(response.get(flag));
    }

    /** Secret-looking values masked (before hashing and shipping), then cut to a reviewable length. */
    private static String masked(String text) {
        // cut before masking: the masker never sees more than it could keep
        return truncate(SecretMasker.mask(text.length() > MAX_TEXT * 4 ? text.substring(0, MAX_TEXT * 4) : text));
    }

    private static String truncate(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "...(" + text.length() + " chars)";
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
