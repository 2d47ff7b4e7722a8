package io.ccpolicy.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A session token limit counts the kinds it names, warns from its warning share on (never blocking there, whatever its
 * severity does at the limit) and acts at the limit; a session known only by its total is counted whole.
 */
class TokenBudgetTest {

    private static Decision decide(String policy, SessionState session) throws Exception {
        PolicyEngine engine = PolicyEngine.compile(PolicyParser.parse("p.yaml", "version: \"1.0\"\norganization: Acme\npolicies:\n" + policy),
                "1", Clock.systemUTC(), () -> "d");
        return engine.evaluate(new DecisionRequest(HookEvent.of(Map.of("hook_event_name", "PreToolUse", "tool_name", "Bash", "tool_input",
                Map.of("command", "ls"), "session_id", "s")), Identity.of("bob@acme.com"), "", session, null, "/home/bob"));
    }

    private static final String OUTPUT_BUDGET = "  - {name: output-budget, type: limit, target: sessionTokens, max: 1000, severity: error, "
            + "count: [output], warn_at_percent: 50, message: \"Output budget spent ({{current}}/{{max}})\"}\n";

    @Test
    void aLimitCountsItsKindsWarnsFromItsShareAndActsAtTheLimit() throws Exception {
        assertThat(decide(OUTPUT_BUDGET, SessionState.of(90_000, 499, 5_000, 70_000)).verdict()).as("input is not counted").isEqualTo(Verdict.ALLOW);
        Decision near = decide(OUTPUT_BUDGET, SessionState.of(90_000, 500, 0, 0));
        assertThat(near.verdict()).as("an error-severity limit only warns before it is reached").isEqualTo(Verdict.WARN);
        assertThat(near.message()).contains("Approaching token limit (500/1000)");
        Decision over = decide(OUTPUT_BUDGET, SessionState.of(0, 1001, 0, 0));
        assertThat(over.verdict()).isEqualTo(Verdict.DENY);
        assertThat(over.message()).contains("Output budget spent (1001/1000)");
        assertThat(decide(OUTPUT_BUDGET, SessionState.total(1001)).verdict()).as("a total that cannot be split is counted whole")
                .isEqualTo(Verdict.DENY);
    }

    @Test
    void byDefaultEveryKindCountsAndTheWarningStartsAtEightyPercent() throws Exception {
        String budget = "  - {name: budget, type: limit, target: sessionTokens, max: 100000, severity: error}\n";
        assertThat(decide(budget, SessionState.of(40_000, 20_000, 10_000, 9_999)).verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(decide(budget, SessionState.of(40_000, 20_000, 10_000, 10_000)).verdict()).isEqualTo(Verdict.WARN);
        assertThat(decide(budget, SessionState.of(40_000, 20_000, 10_000, 30_001)).verdict()).isEqualTo(Verdict.DENY);
        assertThat(CompiledPolicy.share(Long.MAX_VALUE, 80)).as("no overflow").isPositive();
        assertThat(CompiledPolicy.share(101, 80)).isEqualTo(81); // 80.8 rounds up: 80 tokens are below 80%
    }

    @Test
    void aMisspeltKindOrShareIsAnErrorThatNamesIt() {
        assertThatThrownBy(() -> decide("  - {name: b, type: limit, target: sessionTokens, max: 10, severity: error, count: [outputs]}\n",
                SessionState.NEW)).isInstanceOf(PolicyValidationException.class).hasMessageContaining("'count' names token kinds")
                .hasMessageContaining("'outputs'");
        assertThatThrownBy(() -> decide("  - {name: b, type: limit, target: sessionTokens, max: 10, severity: error, warn_at_percent: 120}\n",
                SessionState.NEW)).isInstanceOf(PolicyValidationException.class).hasMessageContaining("'warn_at_percent' must be 1 to 100");
        assertThatThrownBy(() -> decide("  - {name: b, type: denylist, target: bashCommand, values: [x], severity: error, count: [input]}\n",
                SessionState.NEW)).isInstanceOf(PolicyValidationException.class).hasMessageContaining("'count' applies to target 'sessionTokens' only");
    }
}
