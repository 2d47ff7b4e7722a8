package io.ccpolicy.agent.hook;

import io.ccpolicy.agent.audit.AuditEvents;
import io.ccpolicy.agent.audit.AuditIntake;
import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.install.OsSandbox;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.ConfigurationSnapshot;
import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.audit.SandboxViolations;
import io.ccpolicy.engine.config.ConfigurationMerger;
import io.ccpolicy.engine.config.EffectiveConfiguration;
import io.ccpolicy.engine.model.AuditSettings;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.settings.SandboxCompiler;
import io.ccpolicy.engine.settings.SandboxPlan;
import io.ccpolicy.engine.settings.UnsandboxedRun;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers Claude Code's hooks. Decision events (PreToolUse, PermissionRequest, UserPromptSubmit) get the engine's
 * verdict in Claude Code's JSON contract; an allow carries no permission decision, so the developer's own permission
 * flow continues. SessionStart gets the banner and the configuration check. Every event is audited before the answer
 * leaves. A payload that cannot be read is denied for decision events, never allowed by accident.
 */
public final class HookService implements HookServer.Handler {

    static final Set<String> DECISION_EVENTS = Set.of("PreToolUse", "PermissionRequest", "UserPromptSubmit");
    /** Events whose answer never carries a decision: answered at once, read and recorded after. */
    static final Set<String> AUDIT_ONLY_EVENTS = Set.of("PostToolUse", "PostToolUseFailure", "PostToolBatch", "SubagentStart",
            "SubagentStop", "Stop", "SessionEnd", "ConfigChange", "InstructionsLoaded", "PermissionDenied", "Notification", "PreCompact",
            "Setup");
    private static final HookServer.Response NO_DECISION = HookAnswers.ok(Map.of());
    static final Set<String> KNOWN_EVENTS = java.util.stream.Stream.of(DECISION_EVENTS, Set.of("SessionStart"), AUDIT_ONLY_EVENTS)
            .flatMap(Set::stream).collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final PolicyHolder policy;
    private final AgentConfig agent;
    private final Workspace workspace;
    private final AuditSpool audit;
    private final AuditIntake intake;
    private final TranscriptMeter transcripts = new TranscriptMeter();
    private final AgentLog log;
    private final Clock clock;
    private final AuditEvents events;
    private final MachinePaths paths = new MachinePaths();
    /** Without a sandbox on this machine, no command is rewritten to skip it (there is nothing to skip). */
    private final boolean sandboxHere = OsSandbox.availableHere();
    private volatile java.util.function.Supplier<Map<String, Object>> shipping = () -> Map.of("enabled", false);
    private volatile java.util.function.Supplier<Map<String, Object>> sync = Map::of;

    public HookService(PolicyHolder policy, AgentConfig agent, Workspace workspace, AuditSpool audit, AgentLog log, Clock clock) {
        this.policy = policy;
        this.agent = agent;
        this.workspace = workspace;
        this.audit = audit;
        try {
            this.intake = new AuditIntake(audit);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot open the audit intake journal beside " + audit.file(), e);
        }
        this.log = log;
        this.clock = clock;
        this.events = new AuditEvents(agent, clock, this::identity, event -> event.name().equals("SessionStart") ? clock.instant().toString()
                : transcripts.startTime(event.string("transcript_path")), workspace.home());
    }

    /** Who decisions and audit are for: the signed bundle's identity when a server issues bundles, agent.yaml's otherwise. */
    private Identity identity() {
        return policy.active().identityOr(agent.identity());
    }

    /** Lets /health and status report the policy server sync (bundle revision, age, last result). */
    public void reportSync(java.util.function.Supplier<Map<String, Object>> status) {
        this.sync = status;
    }

    /** Lets /health and status report the shipper's state. */
    public void reportShipping(java.util.function.Supplier<Map<String, Object>> status) {
        this.shipping = status;
    }

    /** The answer with the call recorded in the spool: for callers that are not the hook server. */
    @Override
    public HookServer.Response handle(HookServer.Request request) {
        return answerFirst(request).completed();
    }

    /**
     * The answer as soon as it is known: the payload is journaled first ({@link AuditIntake}), and the audit event is
     * built, sealed and signed after the answer has left, so Claude Code does not wait for it.
     */
    @Override
    public HookServer.Response answerFirst(HookServer.Request request) {
        if (request.method().equals("GET") && request.path().equals("/health")) {
            return HookServer.Response.json(200, Json.compact(health()));
        }
        if (!request.method().equals("POST") || !(request.path().equals("/hook") || request.path().startsWith("/hooks/"))) {
            return HookServer.Response.json(404, "{\"error\":\"POST hook payloads to /hooks/<Event>\"}");
        }
        String pathEvent = request.path().startsWith("/hooks/") ? request.path().substring("/hooks/".length()) : "";
        if (request.bodyTooLarge()) {
            return refuse(pathEvent, "the hook payload is larger than the agent accepts");
        }
        if (AUDIT_ONLY_EVENTS.contains(pathEvent)) {
            // nothing to decide: the answer is known before the payload is read, which waits with the rest of the audit
            AuditIntake.Call call = intake.receive(pathEvent, request.body(), clock.instant());
            return NO_DECISION.then(() -> recordReceived(call));
        }
        String[] problem = new String[1];
        Map<String, Object> payload = Json.object(new String(request.body(), StandardCharsets.UTF_8), problem).orElse(null);
        if (payload == null) {
            return refuse(pathEvent, "the hook payload is not readable JSON (" + problem[0] + ")");
        }
        HookEvent received = HookEvent.of(payload);
        String name = received.name().isEmpty() ? pathEvent : received.name();
        HookEvent event = SandboxSkip.asProposed(name, received);
        if (!pathEvent.isEmpty() && !event.name().isEmpty() && !pathEvent.equals(event.name())) {
            return refuse(pathEvent, "the payload says " + event.name() + " but was sent for " + pathEvent);
        }
        if (!KNOWN_EVENTS.contains(name)) {
            audit.append(events.error(name, payload, "unknown hook event"));
            log.warn("unknown hook event '" + name + "' recorded and answered with no decision");
            return ok(Map.of());
        }
        if (DECISION_EVENTS.contains(name) && ((name.equals("UserPromptSubmit") && !(payload.get("prompt") instanceof String))
                || (!name.equals("UserPromptSubmit") && event.toolName().isEmpty()))) {
            return refuse(name, "the " + name + " payload lacks " + (name.equals("UserPromptSubmit") ? "prompt" : "tool_name"));
        }
        if (DECISION_EVENTS.contains(name) && audit.pendingBytes() > agent.shipping().spoolMaxBytes()) {
            return refuse(name, "the audit spool is full (" + audit.pendingBytes() / (1024 * 1024) + " MB not yet shipped to the audit "
                    + "service); actions are refused until the backlog ships, see 'hook-agent status'");
        }
        AuditIntake.Call call = intake.receive(name, request.body(), clock.instant());
        if (!DECISION_EVENTS.contains(name) && !name.equals("SessionStart")) {
            return ok(Map.of()).then(() -> record(name, event, call, null));
        }
        Evaluation evaluation;
        Map<String, Object> answer;
        try {
            evaluation = evaluate(name, event);
            answer = response(name, event, evaluation, call, event != received);
        } catch (RuntimeException e) {
            // fail closed, and close the journaled call: left open, it would keep the journal (and the spool) from ever shrinking
            log.warn("could not evaluate a " + name + " call: " + e);
            return HookAnswers.refusal(name, "POLICY AGENT: the agent could not evaluate this call (" + e.getClass().getSimpleName()
                    + "); the action is refused because the policy cannot be checked.").then(() -> recordError(name, call,
                    "the agent could not evaluate this call: " + e));
        }
        return ok(answer).then(() -> record(name, event, call, evaluation));
    }

    /** Records a journaled call as the agent's error, in place of its event. */
    private void recordError(String name, AuditIntake.Call call, String why) {
        try {
            audit.append(events.receivedAs(call).error(name, Map.of(), why));
            log.warn("recorded a " + name + " call as an error: " + why);
        } finally {
            intake.recorded(call);
        }
    }

    /** What the engine made of an event, with what recording it needs. */
    private record Evaluation(String project, long tokens, Decision decision, long micros, PolicyDocument document,
            EffectiveConfiguration effective) {
    }

    /**
     * The calls a crash left in the intake journal, recorded now as received (time, id); a decision is taken again under
     * the policy in force. Run before the agent answers anything.
     */
    public int recoverInterrupted() throws java.io.IOException {
        List<AuditIntake.Call> calls = intake.interrupted();
        calls.forEach(this::recordReceived);
        if (!calls.isEmpty()) {
            log.warn("recorded " + calls.size() + " hook call(s) a crash had left unrecorded (from the intake journal)");
        }
        return calls.size();
    }

    /** Waits until every answered call is recorded in the spool; whether it is within {@code millis}. */
    public boolean awaitRecorded(long millis) throws InterruptedException {
        return intake.awaitRecorded(millis);
    }

    /** Forces the intake journal to disk, as the daemon forces the spool. */
    public void forceJournal() {
        intake.forceIfDirty();
    }

    /** Records a journaled call from its payload as received: one that cannot be read is recorded as the agent's error. */
    private void recordReceived(AuditIntake.Call call) {
        String[] problem = new String[1];
        Map<String, Object> payload = Json.object(call.payload(), problem).orElse(null);
        HookEvent event = payload == null ? null : SandboxSkip.asProposed(call.event(), HookEvent.of(payload));
        String why = payload == null ? "the hook payload is not readable JSON (" + problem[0] + ")"
                : !event.name().isEmpty() && !event.name().equals(call.event()) ? "the payload says " + event.name() + " but was sent for "
                + call.event() : null;
        if (why == null) {
            record(call.event(), event, call, null);
        } else {
            recordError(call.event(), call, why);
        }
    }

    /** Records a journaled call: its event (the evaluation made for the answer, or one made now) and what the sandbox stopped. */
    private void record(String name, HookEvent event, AuditIntake.Call call, Evaluation answered) {
        AuditEvents stamped = events.receivedAs(call);
        try {
            Evaluation evaluation = answered != null ? answered : evaluate(name, event);
            PolicyDocument document = evaluation.document();
            if (stamped.recorded(document.audit(), name, event, evaluation.decision())) {
                audit.append(stamped.decision(name, event, evaluation.project(), evaluation.tokens(), evaluation.decision(),
                        evaluation.micros(), document.audit().includePrompts(), document.exceptions()));
            }
            if ((name.equals("PostToolUse") || name.equals("PostToolUseFailure")) && event.toolName().equals("Bash")) {
                auditSandbox(stamped, name, event, evaluation.project(), document, evaluation.decision());
            }
        } catch (RuntimeException e) {
            log.warn("could not record a " + name + " call: " + e);
            audit.append(stamped.error(name, Map.of(), "the agent could not record this call: " + e.getMessage()));
        } finally {
            intake.recorded(call);
        }
    }

    private Evaluation evaluate(String name, HookEvent event) {
        long started = System.nanoTime();
        PolicyHolder.Active active = policy.active();
        String cwd = event.cwd();
        String project = workspace.projectName(cwd);
        PolicyEngine engine = active.engineFor(project);
        SessionState session = name.equals("SessionStart") ? SessionState.NEW : transcripts.session(event.string("transcript_path"));
        long tokens = session.tokens();
        EffectiveConfiguration effective = null;
        ConfigurationSnapshot snapshot = ConfigurationSnapshot.NONE;
        switch (name) {
            case "SessionStart", "ConfigChange" -> {
                effective = ConfigurationMerger.merge(engine, identity(), project, workspace.home(), workspace.layers(cwd));
                // The decision sees everything configured, rejected entries included, so they are recorded as violations.
                List<String> servers = new ArrayList<>(effective.mcpServers().stream().map(EffectiveConfiguration.Item::name).toList());
                List<String> skills = new ArrayList<>(effective.skills().stream().map(EffectiveConfiguration.Item::name).toList());
                for (EffectiveConfiguration.Rejection r : effective.rejected()) {
                    if (r.kind().equals("skill")) {
                        skills.add(r.item());
                    } else if (r.kind().equals("MCP server")) {
                        servers.add(r.item());
                    }
                }
                snapshot = workspace.snapshot(cwd, servers, skills);
            }
            case "InstructionsLoaded" -> snapshot = workspace.instructions(event.string("file_path"));
            case "PreToolUse", "PermissionRequest" -> snapshot = workspace.beforeEdit(
                    event.inputString("file_path").isEmpty() ? event.inputString("notebook_path") : event.inputString("file_path"), cwd);
            default -> {
            }
        }
        Decision decision = engine.evaluate(new DecisionRequest(event, identity(), project, session, snapshot,
                workspace.home(), paths));
        return new Evaluation(project, tokens, decision, (System.nanoTime() - started) / 1000, engine.document(), effective);
    }

    /** {@code rewritten}: the call carries the agent's own rewrite for an unsandboxed run ({@link SandboxSkip}). */
    private Map<String, Object> response(String name, HookEvent event, Evaluation evaluation, AuditIntake.Call call, boolean rewritten) {
        Decision decision = evaluation.decision();
        PolicyDocument document = evaluation.document();
        if (name.equals("PermissionRequest") && SandboxSkip.asked(event)) {
            SandboxPlan sandbox = sandbox(evaluation);
            if (sandbox.skip().provenReadOnly()) {
                // only the agent asks for an unsandboxed run; any other request for one is refused
                return SandboxSkip.permission(rewritten && unsandboxed(evaluation, sandbox, event));
            }
        }
        Map<String, Object> answer;
        if (name.equals("PreToolUse") && decision.verdict() == Verdict.ALLOW && document.audit().showLogged()
                && events.recorded(document.audit(), name, event, decision)) {
            answer = actionLogged(name, event, decision, call.eventId());
        } else {
            answer = switch (name) {
                case "PreToolUse", "PermissionRequest", "UserPromptSubmit" -> HookAnswers.decided(name, decision);
                case "SessionStart" -> sessionStart(document, evaluation.project(), decision, evaluation.effective());
                default -> Map.of();
            };
        }
        // the plan is compiled only for a command already proven read-only
        return name.equals("PreToolUse") && decision.provenReadOnly() && unsandboxed(evaluation, sandbox(evaluation), event)
                ? SandboxSkip.unsandboxed(answer, event) : answer;
    }

    /**
     * Whether the evaluated Bash call runs outside the OS sandbox (see {@link UnsandboxedRun#permits}), with no permission
     * rule on Bash commands in the project's or the user's settings to be hidden from by the rewrite.
     */
    private boolean unsandboxed(Evaluation evaluation, SandboxPlan sandbox, HookEvent event) {
        return sandboxHere && UnsandboxedRun.permits(evaluation.decision(), sandbox, workspace.home(), paths) && !workspace.bashRules(event.cwd());
    }

    private SandboxPlan sandbox(Evaluation evaluation) {
        return SandboxCompiler.plan(evaluation.document(), identity(), evaluation.project(), clock.instant(), SandboxCompiler.GlobExpander.NONE);
    }

    /** The guide's ACTION LOGGED box (audit.show_logged), so a developer can quote the event id of what they just did. */
    private static Map<String, Object> actionLogged(String name, HookEvent event, Decision decision, String eventId) {
        String path = event.inputString("file_path").isEmpty() ? event.inputString("notebook_path") : event.inputString("file_path");
        String cwd = event.cwd().endsWith("/") ? event.cwd() : event.cwd() + "/";
        String target = !path.isEmpty() ? (path.startsWith(cwd) && cwd.length() > 1 ? path.substring(cwd.length()) : path)
                : !event.inputString("command").isEmpty() ? event.inputString("command")
                : !event.inputString("url").isEmpty() ? event.inputString("url") : event.inputString("pattern");
        return Map.of("systemMessage", io.ccpolicy.engine.render.ViolationBox.actionLogged(AuditEvents.actionType(name, event.toolName(),
                decision), event.toolName(), target, AuditEvents.checkResult(decision), eventId));
    }

    /** The guide's banner, then what the configuration check found. */
    private Map<String, Object> sessionStart(PolicyDocument document, String project, Decision decision, EffectiveConfiguration effective) {
        Instant now = clock.instant();
        List<PolicyException> mine = document.exceptions().stream()
                .filter(e -> e.concerns(identity(), project) && !e.isExpiredAt(now)).toList();
        // what applies to this developer here: other teams' and projects' policies are not theirs, audit-only ones never act
        List<io.ccpolicy.engine.model.Policy> applying = document.policies().stream()
                .filter(p -> p.appliesTo().matches(identity(), project)).toList();
        List<String> auditOnly = applying.stream().filter(p -> p.mode() == io.ccpolicy.engine.model.Mode.AUDIT)
                .map(io.ccpolicy.engine.model.Policy::name).toList();
        StringBuilder text = new StringBuilder("Enterprise Policy Active: ").append(document.organization()).append('\n')
                .append("Policies: ").append(applying.size() - auditOnly.size()).append(" active, ").append(mine.size())
                .append(mine.size() == 1 ? " exception" : " exceptions").append(" applied");
        if (!mine.isEmpty()) {
            text.append(" (").append(String.join(", ", mine.stream().map(PolicyException::describe).distinct().toList())).append(')');
        }
        if (!auditOnly.isEmpty()) {
            text.append("\nAudit only (recorded, never blocking): ").append(String.join(", ", auditOnly));
        }
        OsSandbox sandbox = OsSandbox.of(document);
        if (sandbox.mode() != SandboxPlan.Mode.OFF) {
            text.append("\nOS sandbox: ").append(sandbox.summary());
        }
        Identity signed = policy.active().signedIdentity();
        if (signed != null && !signed.email().contains("@")) {
            text.append("\nNot signed in: only the organisation's policies apply, with no exception granted to you."
                    + " Run 'hook-agent login' to sign in.");
        }
        if (policy.active().strict()) {
            text.append("\nThe policy server has not been reached for too long: a stricter profile is in force (warn and audit policies block).");
        }
        List<String> findings = new ArrayList<>();
        if (effective != null) {
            effective.rejected().forEach(r -> findings.add("Rejected " + r.kind() + " '" + r.item() + "' (" + r.layer().name().toLowerCase()
                    + " configuration): " + r.reason() + " [" + r.policy() + "]"));
            effective.warnings().forEach(w -> findings.add("Warning: " + w));
        }
        for (PolicyMatch match : decision.matches()) {
            boolean reportedAbove = effective != null && effective.rejected().stream().anyMatch(r -> r.policy().equals(match.policy()));
            if (match.effect() != Verdict.ALLOW && !reportedAbove) {
                findings.add(match.message() + " [" + match.policy() + "]");
            }
        }
        if (!findings.isEmpty()) {
            text.append("\n\nConfiguration check:");
            findings.forEach(f -> text.append("\n- ").append(f));
        }
        String banner = text.toString();
        return HookAnswers.context("SessionStart", banner);
    }

    /** A Bash result showing what the OS sandbox stopped becomes a sandbox_violation event naming the policies it enforced. */
    private void auditSandbox(AuditEvents stamped, String name, HookEvent event, String project, PolicyDocument document,
            Decision decision) {
        AuditSettings settings = document.audit();
        if (!settings.records("sandbox_violation") && !settings.records("policy_violation")) {
            return;
        }
        List<SandboxViolations.Finding> findings = SandboxViolations.find(event, document,
                () -> SandboxCompiler.plan(document, identity(), project, clock.instant(), SandboxCompiler.GlobExpander.NONE));
        if (!findings.isEmpty()) {
            audit.append(stamped.sandboxViolation(name, event, project, findings, decision.policyRevision(), decision.policySha256()));
            log.warn("the OS sandbox stopped " + findings.size() + " access(es) in a Bash call: " + findings.get(0).detail());
        }
    }

    /** Fail closed: a decision event the agent cannot read is refused, with the reason; other events just get recorded. */
    private HookServer.Response refuse(String event, String why) {
        audit.append(events.error(event, Map.of(), why));
        log.warn("refused a hook call for '" + event + "': " + why);
        return HookAnswers.refusal(event, "POLICY AGENT: " + why + "; the action is refused because the policy cannot be checked.");
    }

    private Map<String, Object> health() {
        PolicyHolder.Active active = policy.active();
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", "UP");
        health.put("organization", active.engine().document().organization());
        health.put("policyFile", active.file().toString());
        health.put("policyRevision", active.revision());
        health.put("strictProfile", active.strict());
        health.put("policySha256", active.engine().document().sha256());
        health.put("policies", active.engine().document().policies().size());
        health.put("user", identity().email());
        health.put("machineId", agent.machineId());
        health.put("auditLog", audit.file().toString());
        health.put("auditEventsWritten", audit.written());
        health.put("auditPendingBytes", audit.pendingBytes());
        health.put("auditUnrecordedCalls", intake.unrecorded());
        health.put("auditSpoolFull", audit.pendingBytes() > agent.shipping().spoolMaxBytes());
        health.put("auditShipping", shipping.get());
        health.put("policySync", sync.get());
        health.put("osSandbox", OsSandbox.of(active.engine().document()).summary());
        if (audit.pendingBytes() > agent.shipping().spoolMaxBytes()) {
            health.put("status", "DEGRADED");
        }
        Instant now = clock.instant();
        health.put("exceptions", active.engine().document().exceptions().stream()
                .filter(e -> e.concerns(identity(), "") || e.scope() == PolicyException.Scope.PROJECT)
                .map(e -> e.id() + (e.isExpiredAt(now) ? " (expired)" : e.expires().map(x -> " (until " + x + ")").orElse(" (permanent)")))
                .toList());
        return health;
    }

    private static HookServer.Response ok(Map<String, Object> body) {
        return HookAnswers.ok(body);
    }
}
