package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.eval.Evaluator;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code explain --policy FILE --event EVENT.json [--user EMAIL] [--teams a,b] [--project NAME] [--tokens N] [--home DIR]
 * [--now TIMESTAMP]}: how every policy fared on the event and the final verdict.
 */
public final class ExplainCommand {

    private ExplainCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "explain");
        Path policyFile = Path.of(args.required("policy"));
        Path eventFile = Path.of(args.required("event"));
        try {
            PolicyDocument document = PolicyFiles.load(policyFile, err);
            String[] problem = new String[1];
            Map<String, Object> payload = Json.object(PolicyFiles.read(eventFile, err), problem).orElse(null);
            if (payload == null) {
                err.println(eventFile + ": " + problem[0]);
                return 1;
            }
            Identity identity = Identities.from(args);
            long tokens = parseTokens(args);
            Clock clock = args.option("now").isPresent() ? fixed(args.option("now").get()) : Clock.systemUTC();
            PolicyEngine engine = PolicyEngine.compile(document, "local", clock, () -> UUID.randomUUID().toString());
            DecisionRequest request = new DecisionRequest(HookEvent.of(payload), identity, args.option("project").orElse(""),
                    SessionState.total(tokens), null, Identities.home(args, identity));
            Evaluator.Explanation explanation = engine.explain(request);
            HookEvent event = request.event();
            out.println("Event:   " + event.name() + (event.toolName().isEmpty() ? "" : " " + event.toolName())
                    + summary(event) + " by " + identity.email() + (identity.teams().isEmpty() ? "" : " " + identity.teams())
                    + (request.project().isEmpty() ? "" : ", project " + request.project()));
            out.println("Policy:  " + policyFile + " (" + document.policies().size() + " policies, sha256 "
                    + document.sha256().substring(0, 12) + ")");
            out.println();
            int width = explanation.traces().stream().mapToInt(t -> t.policy().length()).max().orElse(10);
            for (Evaluator.PolicyTrace trace : explanation.traces()) {
                out.printf("  %-" + width + "s  %-18s %s%n", trace.policy(), trace.outcome(), trace.detail());
            }
            out.println();
            out.println("Verdict: " + explanation.decision().verdict().yaml().toUpperCase(Locale.ROOT)
                    + (explanation.decision().wouldBe() != explanation.decision().verdict()
                    ? " (would be " + explanation.decision().wouldBe().yaml() + " without audit mode)" : ""));
            if (!explanation.decision().message().isEmpty()) {
                out.println(explanation.decision().message());
            }
            return 0;
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        }
    }

    private static long parseTokens(Args args) throws UsageException {
        String text = args.option("tokens").orElse("0");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UsageException("--tokens must be a whole number, got '" + text + "'");
        }
    }

    private static Clock fixed(String text) throws UsageException {
        try {
            return Clock.fixed(Instant.parse(text), ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new UsageException("--now must be a timestamp like 2024-12-15T12:00:00Z, got '" + text + "'");
        }
    }

    static String summary(HookEvent event) {
        String detail = event.inputString("command");
        if (detail.isEmpty()) {
            detail = event.inputString("file_path");
        }
        if (detail.isEmpty()) {
            detail = event.inputString("url");
        }
        if (detail.isEmpty()) {
            return "";
        }
        return " (" + (detail.length() > 60 ? detail.substring(0, 57) + "..." : detail).replace('\n', ' ') + ")";
    }
}
