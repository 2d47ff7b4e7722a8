package io.ccpolicy.agent.daemon;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.Verdict;
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
    private final Map<String, Object> machine;

    public AuditEvents(AgentConfig agent, Clock clock) {
        this.agent = agent;
        this.clock = clock;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", agent.machineId());
        m.put("hostname", hostname());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        this.machine = Map.copyOf(m);
    }

    /** The guide's event type for a hook event. */
    static String actionType(String event, String tool) {
        return switch (event) {
            case "PreToolUse", "PostToolUse" -> tool.startsWith("mcp__") ? "mcp_call"
                    : WRITE_TOOLS.contains(tool) ? "file_modification" : "tool_execution";
            case "PostToolUseFailure" -> "tool_failure";
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

    /** Whether the policy's audit section asks for this event (violations count as policy_violation too). */
    boolean recorded(AuditSettings settings, String name, HookEvent event, Decision decision) {
        if (!settings.enabled()) {
            return false;
        }
        String type = actionType(name, event.toolName());
        boolean violation = decision.matches().stream().anyMatch(m -> m.wouldBe() != Verdict.ALLOW || m.effect() != Verdict.ALLOW);
        if (!settings.records(type) && !(violation && settings.records("policy_violation"))) {
            return false;
        }
        String path = event.inputString("file_path");
        return violation || path.isEmpty() || settings.excludePaths().stream().noneMatch(glob -> excluded(glob, path));
    }

    /** {@code *.log} matches a file name anywhere; a pattern with a slash ({@code node_modules/*}) matches the path's end. */
    private static boolean excluded(String glob, String path) {
        return glob.contains("/") ? Wildcard.matches("*" + glob, path) : Wildcard.matches(glob, path.substring(path.lastIndexOf('/') + 1));
    }

    Map<String, Object> decision(String name, HookEvent event, String project, long tokens, Decision decision, long micros,
            boolean includePrompts) {
        Map<String, Object> record = base(name, event, project);
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("type", actionType(name, event.toolName()));
        if (!event.toolName().isEmpty()) {
            action.put("tool", event.toolName());
            action.put("params", params(event));
        }
        action.put("result", result(name, event, decision));
        record.put("action", action);
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("policies", decision.matches().stream().map(PolicyMatch::policy).toList());
        check.put("result", decision.matches().isEmpty() ? "passed" : decision.verdict() == Verdict.ALLOW ? "passed_with_findings"
                : decision.verdict() == Verdict.WARN ? "warned" : "violated");
        check.put("violations", decision.matches().stream().map(m -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("policy", m.policy());
            v.put("severity", m.severity().yaml());
            v.put("mode", m.mode().yaml());
            v.put("effect", m.effect().yaml());
            v.put("wouldBe", m.wouldBe().yaml());
            v.put("value", masked(m.value()));
            v.put("message", masked(m.message()));
            if (m.exceptionId() != null) {
                v.put("exceptionId", m.exceptionId());
            }
            return v;
        }).toList());
        record.put("policyCheck", check);
        Map<String, Object> decided = new LinkedHashMap<>();
        decided.put("id", decision.decisionId());
        decided.put("verdict", decision.verdict().yaml());
        decided.put("wouldBe", decision.wouldBe().yaml());
        decided.put("exceptions", decision.exceptionsApplied());
        decided.put("expiredExceptions", decision.expiredExceptions());
        decided.put("policyRevision", decision.policyRevision());
        decided.put("policySha256", decision.policySha256());
        decided.put("latencyMicros", micros);
        record.put("decision", decided);
        Map<String, Object> context = new LinkedHashMap<>();
        String prompt = event.string("prompt");
        if (!prompt.isEmpty()) {
            context.put("prompt", includePrompts ? masked(prompt) : "[REDACTED]");
            context.put("promptSha256", PolicyParser.sha256(prompt));
            context.put("promptLength", prompt.length());
        }
        context.put("tokenCount", tokens);
        record.put("context", context);
        return record;
    }

    /** What the OS sandbox stopped in a Bash call, as a violation of the policies it enforced there. */
    Map<String, Object> sandboxViolation(String name, HookEvent event, String project, List<SandboxViolations.Finding> findings,
            String policyRevision, String policySha256) {
        Map<String, Object> record = base(name, event, project);
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("type", "sandbox_violation");
        action.put("tool", event.toolName());
        action.put("params", params(event));
        action.put("result", "blocked_by_sandbox");
        record.put("action", action);
        List<String> policies = findings.stream().flatMap(f -> f.policies().stream()).distinct().toList();
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("policies", policies);
        check.put("result", "violated");
        // one violation per policy the sandbox enforced, so breakdowns by policy count it like any denial
        check.put("violations", findings.stream().flatMap(f -> (f.policies().isEmpty() ? List.of("os-sandbox") : f.policies()).stream()
                .map(policy -> Map.entry(policy, f))).map(entry -> {
            SandboxViolations.Finding f = entry.getValue();
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("policy", entry.getKey());
            v.put("severity", "error");
            v.put("mode", "enforce");
            v.put("effect", "deny");
            v.put("wouldBe", "deny");
            v.put("value", masked(f.detail()));
            v.put("message", masked("The OS sandbox stopped a " + f.kind() + ": " + f.detail()));
            return v;
        }).toList());
        record.put("policyCheck", check);
        Map<String, Object> decided = new LinkedHashMap<>();
        decided.put("id", "sandbox_" + UUID.randomUUID());
        decided.put("verdict", "deny");
        decided.put("wouldBe", "deny");
        decided.put("exceptions", List.of());
        decided.put("expiredExceptions", List.of());
        decided.put("policyRevision", policyRevision);
        decided.put("policySha256", policySha256);
        decided.put("latencyMicros", 0);
        record.put("decision", decided);
        return record;
    }

    public Map<String, Object> error(String name, Map<String, Object> payload, String why) {
        Map<String, Object> record = base(name.isEmpty() ? "unknown" : name, HookEvent.of(payload), "");
        record.put("action", Map.of("type", "agent_error", "result", "refused"));
        record.put("error", masked(why));
        return record;
    }

    private Map<String, Object> base(String name, HookEvent event, String project) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("version", "1.0");
        record.put("timestamp", clock.instant().toString());
        record.put("eventId", "evt_" + UUID.randomUUID());
        record.put("eventType", name);
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("email", agent.identity().email());
        user.put("teams", agent.identity().teams());
        user.put("department", agent.identity().department());
        record.put("user", user);
        record.put("machine", machine);
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", event.sessionId());
        session.put("projectPath", event.cwd());
        session.put("project", project);
        record.put("session", session);
        for (String key : List.of("tool_use_id", "prompt_id", "agent_id", "agent_type", "permission_mode")) {
            if (event.payload().get(key) instanceof String value) {
                record.put(key, value);
            }
        }
        return record;
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
            case "PostToolUse" -> "success";
            case "PostToolUseFailure" -> "failure";
            case "PreToolUse", "PermissionRequest", "UserPromptSubmit" -> switch (decision.verdict()) {
                case DENY -> "denied";
                case ASK -> "confirmation_required";
                case WARN -> "allowed_with_warning";
                case ALLOW -> "allowed";
            };
            default -> "recorded";
        };
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
