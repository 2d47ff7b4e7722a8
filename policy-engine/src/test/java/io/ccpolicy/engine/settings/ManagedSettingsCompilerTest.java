package io.ccpolicy.engine.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagedSettingsCompilerTest {

    private static final String POLICY = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: mcp, type: allowlist, target: mcpServers, values: [github, jira], severity: error}
              - {name: mcp-narrow, type: allowlist, target: mcpServers, values: [github], severity: error, applies_to: {teams: [payments]}}
              - {name: mcp-deny, type: denylist, target: mcpServers, values: [labsrv], severity: error}
              - {name: tools, type: denylist, target: tool, values: [NotebookEdit, mcp__legacy], severity: error}
              - {name: tools-glob, type: denylist, target: tool, values: ["mcp__*__delete*"], severity: error}
              - {name: tools-warn, type: denylist, target: tool, values: [WebSearch], severity: warning}
              - {name: tools-audit, type: denylist, target: tool, values: [Agent], severity: error, mode: audit}
              - {name: domains, type: denylist, target: webDomain, values: [pastebin.com], severity: error}
            claude_code:
              availableModels: [sonnet]
              permissions:
                deny: ["Bash(curl:*)", "NotebookEdit"]
                disableBypassPermissionsMode: disable
            exceptions:
              - {team: security-team, exempt_from: [mcp], reason: pentest, approved_by: ciso}
            """;

    private final PolicyDocument document = parse();

    private static PolicyDocument parse() {
        try {
            return PolicyParser.parse("p.yaml", POLICY);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void blockingExactPoliciesBecomeNativeRulesAndTheDocumentSectionIsMerged() {
        Map<String, Object> settings = ManagedSettingsCompiler.compile(document, Identity.of("bob@acme.com", "payments"), "x",
                Instant.parse("2025-01-01T00:00:00Z"));

        assertThat(settings.get("allowedMcpServers")).isEqualTo(List.of(Map.of("serverName", "github")));
        assertThat(settings.get("deniedMcpServers")).isEqualTo(List.of(Map.of("serverName", "labsrv")));
        assertThat(settings.get("permissions")).isEqualTo(Map.of(
                "deny", List.of("NotebookEdit", "mcp__legacy", "WebFetch(domain:pastebin.com)", "Bash(curl:*)"),
                "disableBypassPermissionsMode", "disable"));
        assertThat(settings.get("availableModels")).isEqualTo(List.of("sonnet"));
        assertThat(settings).doesNotContainKeys("allowManagedHooksOnly", "allowManagedPermissionRulesOnly", "enforcement");
    }

    @Test
    void anExceptionKeepsThePolicyOutOfNativeRulesForThatDeveloper() {
        Map<String, Object> settings = ManagedSettingsCompiler.compile(document, Identity.of("eve@acme.com", "security-team"), "x",
                Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(settings).doesNotContainKey("allowedMcpServers");
        assertThat(settings.get("deniedMcpServers")).isEqualTo(List.of(Map.of("serverName", "labsrv")));
    }
}
