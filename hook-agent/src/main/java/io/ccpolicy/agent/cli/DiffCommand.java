package io.ccpolicy.agent.cli;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.diff.PolicyDiff;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code diff OLD NEW [--events FILE] [--user EMAIL] [--teams a,b] [--project NAME]}: what changed between two
 * documents, and with {@code --events} (recorded hook events, one JSON object per line) every event whose verdict
 * changes. A line may carry {@code user}, {@code teams} and {@code project} fields of its own (as the audit export
 * does); otherwise the options apply.
 */
public final class DiffCommand {

    private DiffCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, Set.of("events", "user", "teams", "project", "home"), Set.of());
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
        Clock clock = Clock.systemUTC();
        PolicyEngine old = PolicyEngine.compile(before, "old", clock, () -> UUID.randomUUID().toString());
        PolicyEngine now = PolicyEngine.compile(after, "new", clock, () -> UUID.randomUUID().toString());
        Identity defaultIdentity = Identities.from(args);
        int changed = 0;
        int replayed = 0;
        int unreadable = 0;
        out.println();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] problem = new String[1];
            Map<String, Object> payload = Json.object(lines.get(i), problem).orElse(null);
            if (payload == null) {
                err.println(events + ":" + (i + 1) + ": " + problem[0]);
                unreadable++;
                continue;
            }
            replayed++;
            Identity identity = payload.get("user") instanceof String user
                    ? new Identity(user, payload.get("teams") instanceof List<?> t ? t.stream().map(String::valueOf).toList() : List.of(), "")
                    : defaultIdentity;
            String project = payload.get("project") instanceof String p ? p : args.option("project").orElse("");
            DecisionRequest request = new DecisionRequest(HookEvent.of(payload), identity, project, SessionState.NEW, null,
                    Identities.home(args, identity));
            Decision a = old.evaluate(request);
            Decision b = now.evaluate(request);
            if (a.verdict() != b.verdict()) {
                changed++;
                HookEvent event = request.event();
                out.println(events + ":" + (i + 1) + ": " + event.name() + " " + event.toolName() + ExplainCommand.summary(event)
                        + " by " + identity.email() + ": " + a.verdict().yaml() + " -> " + b.verdict().yaml() + " ("
                        + b.matches().stream().map(PolicyMatch::policy).collect(Collectors.joining(", ")) + ")");
            }
        }
        out.println(changed + " of " + replayed + " event(s) change verdict" + (unreadable > 0 ? "; " + unreadable + " line(s) unreadable" : ""));
        return unreadable > 0 ? 1 : 0;
    }
}
