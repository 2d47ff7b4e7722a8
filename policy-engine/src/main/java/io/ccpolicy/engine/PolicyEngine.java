package io.ccpolicy.engine;

import io.ccpolicy.engine.eval.Evaluator;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The engine's entry point: a validated document compiled for evaluation. Hosts create one per active policy version
 * and share it across threads.
 *
 * <pre>{@code
 * PolicyEngine engine = PolicyEngine.load("enterprise-policy.yaml", yamlText, "rev-12", Clock.systemUTC());
 * Decision decision = engine.evaluate(new DecisionRequest(HookEvent.of(payload), identity, "checkout", session, config, home));
 * }</pre>
 */
public final class PolicyEngine {

    private final Evaluator evaluator;

    private PolicyEngine(Evaluator evaluator) {
        this.evaluator = evaluator;
    }

    public static PolicyEngine load(String source, String yaml, String revision, Clock clock) throws PolicyValidationException {
        return compile(PolicyParser.parse(source, yaml), revision, clock, () -> UUID.randomUUID().toString());
    }

    public static PolicyEngine compile(PolicyDocument document, String revision, Clock clock, Supplier<String> decisionIds) {
        return new PolicyEngine(new Evaluator(document, revision, clock, decisionIds));
    }

    public PolicyDocument document() {
        return evaluator.document();
    }

    public Decision evaluate(DecisionRequest request) {
        return evaluator.evaluate(request);
    }

    /** The decision plus how every policy fared (matched, passed, not applicable, exempted), for humans. */
    public Evaluator.Explanation explain(DecisionRequest request) {
        return evaluator.explain(request);
    }
}
