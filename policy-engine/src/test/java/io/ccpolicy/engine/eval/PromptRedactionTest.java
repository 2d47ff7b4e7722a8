package io.ccpolicy.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.parse.PolicyParser;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A prompt violation names the phrase the policy lists, never the prompt: decisions reach audit trails and dashboards. */
class PromptRedactionTest {

    @Test
    void aPromptDenylistViolationRecordsOnlyTheMatchedPhrase() throws Exception {
        PolicyEngine engine = PolicyEngine.compile(PolicyParser.parse("p.yaml", """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: customer-data, type: denylist, target: prompt, values: ["Customer Export"], severity: error,
                     message: "Careful with customer data ({{value}})"}
                  - {name: keys, type: pattern-deny, target: prompt, pattern: "AKIA[0-9A-Z]{16}", severity: error}
                """), "1", Clock.systemUTC(), () -> "d");
        String prompt = "please do a customer export of account 4711 for jane.doe@example.com, key AKIAIOSFODNN7EXAMPLE";
        Decision decision = engine.evaluate(new DecisionRequest(HookEvent.of(Map.of("hook_event_name", "UserPromptSubmit", "prompt", prompt,
                "session_id", "s")), Identity.of("bob@acme.com"), "", SessionState.NEW, null, "/home/bob"));

        assertThat(decision.matches()).extracting(PolicyMatch::policy).containsExactly("customer-data", "keys");
        assertThat(decision.matches().get(0).value()).isEqualTo("customer export");
        assertThat(decision.matches().get(1).value()).isEqualTo("AKIA*** (20 chars)");
        assertThat(decision.message()).contains("Careful with customer data (customer export)").doesNotContain("4711")
                .doesNotContain("jane.doe").doesNotContain("AKIAIOSFODNN7EXAMPLE");
        decision.matches().forEach(m -> assertThat(m.value() + m.message()).doesNotContain("4711").doesNotContain("jane.doe"));
    }
}
