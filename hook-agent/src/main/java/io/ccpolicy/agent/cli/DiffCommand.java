package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.audit.ImpactAnalysis;
import io.ccpolicy.engine.diff.PolicyDiff;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code diff OLD NEW [--events FILE] [--user EMAIL] [--teams a,b] [--project NAME] [--home DIR]}: what changed between
 * two documents, and with {@code --events} every recorded call whose verdict changes. The file holds one JSON object per
 * line, each either a raw hook payload (as Claude Code sends it; it may carry {@code user}, {@code teams} and
 * {@code project} fields of its own, otherwise the options apply), or an audit event as the agent's own trail
 * ({@code ~/.ccpolicy/audit/events.jsonl}) and the audit API's NDJSON export hold it (or a query API row with the event
 * under {@code event}), replayed as the agent decided it: its time, user, teams, project and home. A line that is none
 * of these is an error naming it.
 */
public final class DiffCommand {

    private DiffCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "diff");
        if (args.positionals().size() != 2) {
            throw new UsageException("diff needs two policy files: OLD NEW");
        }
        try {
            PolicyDocument before = PolicyFiles.load(Path.of(args.positionals().get(0)), err);
            PolicyDocument after = PolicyFiles.load(Path.of(args.positionals().get(1)), err);
            List<PolicyDiff.Change> changes = PolicyDiff.between(before, after);
            if (changes.isEmpty()) {
                out.println("No semantic changes.");
            } else {
                changes.forEach(out::println);
                out.println(changes.size() + " change(s)");
            }
            if (args.option("events").isPresent()) {
                return replay(args, before, after, out, err);
            }
            return 0;
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        }
    }

    private static int replay(Args args, PolicyDocument before, PolicyDocument after, PrintStream out, PrintStream err)
            throws PolicyFiles.Reported {
        Path events = Path.of(args.option("events").get());
        List<String> lines = PolicyFiles.read(events, err).lines().toList();
        try (Progress progress = Progress.of(err, "replaying " + events)) {
            return replay(args, before, after, events, lines, progress, progress.above(out), progress.above(err));
        }
    }

    private static int replay(Args args, PolicyDocument before, PolicyDocument after, Path events, List<String> lines, Progress progress,
            PrintStream out, PrintStream err) {
        Clock clock = Clock.systemUTC();
        PolicyEngine old = PolicyEngine.compile(before, "old", clock, () -> UUID.randomUUID().toString());
        PolicyEngine now = PolicyEngine.compile(after, "new", clock, () -> UUID.randomUUID().toString());
        ImpactAnalysis recorded = new ImpactAnalysis(before, after, 0);
        Identity defaultIdentity = Identities.from(args);
        int changed = 0;
        int replayed = 0;
        int notDecisions = 0;
        int unreadable = 0;
        out.println();
        for (int i = 0; i < lines.size(); i++) {
            progress.update(i, lines.size());
            if (lines.get(i).isBlank()) {
                continue;
            }
            String where = events + ":" + (i + 1) + ": ";
            String[] problem = new String[1];
            Map<String, Object> line = Json.object(lines.get(i), problem).orElse(null);
            if (line == null) {
                err.println(where + problem[0]);
                unreadable++;
                continue;
            }
            if (line.get("hook_event_name") instanceof String) {
                replayed++;
                changed += payload(line, where, args, defaultIdentity, old, now, out) ? 1 : 0;
                continue;
            }
            // a query API row holds the audit event under "event"
            Map<?, ?> stored = line.get("event") instanceof Map<?, ?> row && line.containsKey("eventId") ? row : line;
            AuditEvent event;
            try {
                event = AuditEvent.fromMap(stored);
            } catch (IllegalArgumentException e) {
                err.println(where + "neither a hook payload (no hook_event_name) nor an audit event (" + e.getMessage() + ")");
                unreadable++;
                continue;
            }
            if (!ImpactAnalysis.replayable(event)) {
                notDecisions++;
                continue;
            }
            replayed++;
            Optional<ImpactAnalysis.Change> change = recorded.add(event);
            if (change.isPresent()) {
                changed++;
                ImpactAnalysis.Change c = change.get();
                HookEvent call = HookEvent.of(Map.of("hook_event_name", event.eventType(), "tool_name", c.tool(), "tool_input",
                        event.action().params() == null ? Map.of() : event.action().params()));
                out.println(where + event.eventType() + " " + c.tool() + ExplainCommand.summary(call) + " by " + c.user() + " at " + c.at()
                        + ": " + c.before().yaml() + " -> " + c.after().yaml() + " (" + String.join(", ", c.policies()) + ")");
            }
        }
        out.println(changed + " of " + replayed + " recorded call(s) change verdict"
                + (notDecisions > 0 ? "; " + notDecisions + " event(s) are not decisions on a call (PostToolUse, SessionStart, ...) and were skipped" : "")
                + (unreadable > 0 ? "; " + unreadable + " line(s) unreadable" : ""));
        long withoutHome = recorded.report().withoutHome();
        if (withoutHome > 0) {
            out.println(withoutHome + " audit event(s) were recorded without the developer's home directory: a policy on ~ cannot be judged on them");
        }
        return unreadable > 0 ? 1 : 0;
    }

    /** A raw hook payload, decided for the identity it names or the options give; true when the verdict changes. */
    private static boolean payload(Map<String, Object> payload, String where, Args args, Identity defaultIdentity, PolicyEngine old,
            PolicyEngine now, PrintStream out) {
        Identity identity = payload.get("user") instanceof String user
                ? new Identity(user, payload.get("teams") instanceof List<?> t ? t.stream().map(String::valueOf).toList() : List.of(), "")
                : defaultIdentity;
        String project = payload.get("project") instanceof String p ? p : args.option("project").orElse("");
        DecisionRequest request = new DecisionRequest(HookEvent.of(payload), identity, project, SessionState.NEW, null,
                Identities.home(args, identity));
        Decision a = old.evaluate(request);
        Decision b = now.evaluate(request);
        if (a.verdict() == b.verdict()) {
            return false;
        }
        HookEvent event = request.event();
        out.println(where + event.name() + " " + event.toolName() + ExplainCommand.summary(event) + " by " + identity.email() + ": "
                + a.verdict().yaml() + " -> " + b.verdict().yaml() + " (" + b.matches().stream().map(PolicyMatch::policy)
                .collect(Collectors.joining(", ")) + ")");
        return true;
    }
}
