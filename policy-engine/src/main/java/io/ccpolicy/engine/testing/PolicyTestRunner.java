package io.ccpolicy.engine.testing;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.model.PolicyDocument;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/** Runs the cases of a test file against a document, each at its own fixed time. */
public final class PolicyTestRunner {

    private PolicyTestRunner() {
    }

    public static List<PolicyTestResult> run(PolicyDocument document, PolicyTestSuite suite) {
        return run(document, suite, done -> { });
    }

    /** As {@link #run(PolicyDocument, PolicyTestSuite)}, telling {@code progress} after each case how many are done. */
    public static List<PolicyTestResult> run(PolicyDocument document, PolicyTestSuite suite, IntConsumer progress) {
        List<PolicyTestResult> results = new ArrayList<>();
        AtomicLong ids = new AtomicLong();
        for (PolicyTestCase testCase : suite.cases()) {
            progress.accept(results.size());
            PolicyEngine engine = PolicyEngine.compile(document, "test", Clock.fixed(testCase.now(), ZoneOffset.UTC),
                    () -> "decision-" + ids.incrementAndGet());
            Decision decision = engine.evaluate(testCase.request());
            results.add(new PolicyTestResult(testCase, decision, failures(testCase, decision)));
        }
        progress.accept(results.size());
        return results;
    }

    /** What differs between the decision and the case's expectation. */
    public static List<String> failures(PolicyTestCase testCase, Decision decision) {
        List<String> failures = new ArrayList<>();
        if (decision.verdict() != testCase.expectedDecision()) {
            failures.add("expected decision " + testCase.expectedDecision().yaml() + ", got " + decision.verdict().yaml()
                    + describe(decision));
        }
        List<String> matched = decision.matches().stream().map(PolicyMatch::policy).toList();
        for (String policy : testCase.expectedPolicies()) {
            if (!matched.contains(policy)) {
                failures.add("expected policy " + policy + " to match; matched: " + (matched.isEmpty() ? "none" : String.join(", ", matched)));
            }
        }
        testCase.exception().ifPresent(id -> {
            if (!decision.exceptionsApplied().contains(id)) {
                failures.add("expected exception " + id + " to apply; applied: "
                        + (decision.exceptionsApplied().isEmpty() ? "none" : String.join(", ", decision.exceptionsApplied())));
            }
        });
        if (testCase.noException() && !decision.exceptionsApplied().isEmpty()) {
            failures.add("expected no exception to apply; applied: " + String.join(", ", decision.exceptionsApplied()));
        }
        testCase.expectedWouldBe().ifPresent(w -> {
            if (decision.wouldBe() != w) {
                failures.add("expected would-be decision " + w.yaml() + ", got " + decision.wouldBe().yaml());
            }
        });
        for (String text : testCase.messageContains()) {
            if (!decision.message().contains(text)) {
                failures.add("expected the message to contain '" + text + "'; message:\n" + decision.message());
            }
        }
        return failures;
    }

    private static String describe(Decision decision) {
        if (decision.matches().isEmpty()) {
            return " (no policy matched)";
        }
        StringBuilder text = new StringBuilder(" (");
        for (PolicyMatch match : decision.matches()) {
            if (text.length() > 2) {
                text.append("; ");
            }
            text.append(match.policy()).append(": ").append(match.effect().yaml()).append(" - ").append(match.message());
        }
        return text.append(')').toString();
    }
}
