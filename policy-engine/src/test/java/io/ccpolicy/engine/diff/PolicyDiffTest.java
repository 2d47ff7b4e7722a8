package io.ccpolicy.engine.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.parse.PolicyParser;
import org.junit.jupiter.api.Test;

class PolicyDiffTest {

    @Test
    void reportsWhatChangedNotHowItIsFormatted() throws Exception {
        var before = PolicyParser.parse("old.yaml", """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: mcp, type: allowlist, target: mcpServers, values: [github, jira], severity: error}
                  - {name: tokens, type: limit, target: sessionTokens, max: 1000, severity: warning}
                  - {name: gone, type: denylist, target: tool, values: [Bash], severity: error}
                exceptions:
                  - {id: e1, user: a@acme.com, exempt_from: [mcp], reason: r, approved_by: b, expires: "2025-01-01"}
                """);
        var after = PolicyParser.parse("new.yaml", """
                # reformatted, reordered
                organization: Acme
                version: "1.0"
                policies:
                  - name: tokens
                    type: limit
                    target: sessionTokens
                    max: 2000
                    severity: error
                  - name: mcp
                    type: allowlist
                    target: mcpServers
                    values: [jira, github, notion]
                    severity: error
                    mode: audit
                  - {name: fresh, type: denylist, target: webDomain, values: [pastebin.com], severity: error}
                exceptions:
                  - {id: e1, user: a@acme.com, exempt_from: [mcp], reason: r, approved_by: b, expires: "2025-02-01"}
                """);

        assertThat(PolicyDiff.between(before, after)).extracting(Object::toString).containsExactly(
                "+ policy fresh: denylist on webDomain, error, enforce",
                "~ policy mcp: values added [notion]",
                "~ policy mcp: mode 'enforce' -> 'audit'",
                "~ policy tokens: max 1000 -> 2000",
                "~ policy tokens: severity 'warning' -> 'error'",
                "- policy gone: denylist on tool, error, enforce",
                "~ exception e1: user a@acme.com exempt from [mcp], expires 2025-01-02T00:00:00Z, approved by b -> user a@acme.com "
                        + "exempt from [mcp], expires 2025-02-02T00:00:00Z, approved by b");
        assertThat(PolicyDiff.between(before, before)).isEmpty();
    }
}
