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

/** The guide's policyCheck.policies: every policy checked against the event, not only those that fired. */
class CheckedPoliciesTest {

    @Test
    void aDecisionNamesThePoliciesItCheckedAndThoseThatFired() throws Exception {
        PolicyEngine engine = PolicyEngine.compile(PolicyParser.parse("p.yaml", """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
                  - {name: no-curl, type: denylist, target: bashCommand, values: ["curl"], severity: error}
                  - {name: approved-mcp, type: allowlist, target: mcpServers, values: [github-mcp], severity: error}
                  - {name: payments-only, type: denylist, target: bashCommand, values: ["ls"], severity: error, applies_to: {teams: [payments]}}
                """), "1", Clock.systemUTC(), () -> "d");
        Decision decision = engine.evaluate(new DecisionRequest(HookEvent.of(Map.of("hook_event_name", "PreToolUse", "tool_name", "Bash",
                "tool_input", Map.of("command", "rm -rf build"), "session_id", "s")), Identity.of("bob@acme.com", "web"), "", SessionState.NEW,
                null, "/home/bob"));
        assertThat(decision.checked()).as("Bash policies that apply to bob; not the MCP one, not another team's").containsExactly("no-rm", "no-curl");
        assertThat(decision.matches()).extracting(PolicyMatch::policy).containsExactly("no-rm");
    }
}
