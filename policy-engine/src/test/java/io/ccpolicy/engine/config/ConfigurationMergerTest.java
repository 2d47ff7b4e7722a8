package io.ccpolicy.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.config.EffectiveConfiguration.Item;
import io.ccpolicy.engine.config.EffectiveConfiguration.Layer;
import io.ccpolicy.engine.model.Identity;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationMergerTest {

    private static final String POLICY = """
            version: "1.0"
            organization: Acme
            policies:
              - name: approved-mcp-servers
                type: allowlist
                target: mcpServers
                values: [github, jira, internal-docs]
                severity: error
                message: "MCP server '{{value}}' is not on the approved list"
              - name: no-crypto-skills
                type: denylist
                target: skills
                values: ["crypto-*"]
                severity: error
              - name: discouraged-skills
                type: denylist
                target: skills
                values: [yolo]
                severity: warning
            claude_code:
              model: sonnet
            exceptions:
              - team: security-team
                exempt_from: [approved-mcp-servers]
                reason: pentests
                approved_by: ciso@acme.com
            """;

    private final PolicyEngine engine = engine();

    private static PolicyEngine engine() {
        try {
            return PolicyEngine.load("policy.yaml", POLICY, "1", Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> servers(String... names) {
        Map<String, Object> servers = new java.util.LinkedHashMap<>();
        for (String name : names) {
            servers.put(name, Map.of("command", name + "-mcp"));
        }
        return Map.of("mcpServers", servers);
    }

    @Test
    void theGuidesExampleRejectsTheUsersSlack() {
        ClaudeCodeLayers layers = new ClaudeCodeLayers(servers("github", "internal-docs"), Map.of(), servers("github", "slack"), Map.of(),
                "/home/bob/checkout", List.of(), List.of());

        EffectiveConfiguration effective = ConfigurationMerger.merge(engine, Identity.of("bob@acme.com", "payments"), "checkout",
                "/home/bob", layers);

        assertThat(effective.mcpServers()).containsExactly(new Item("github", Layer.PROJECT), new Item("internal-docs", Layer.PROJECT));
        assertThat(effective.rejected()).singleElement().satisfies(r -> {
            assertThat(r.layer()).isEqualTo(Layer.USER);
            assertThat(r.item()).isEqualTo("slack");
            assertThat(r.policy()).isEqualTo("approved-mcp-servers");
            assertThat(r.reason()).isEqualTo("MCP server 'slack' is not on the approved list");
        });
    }

    @Test
    void exceptionsApplyToConfigurationToo() {
        ClaudeCodeLayers layers = new ClaudeCodeLayers(Map.of(), Map.of(), servers("slack"), Map.of(), "", List.of(), List.of());
        EffectiveConfiguration effective = ConfigurationMerger.merge(engine, Identity.of("eve@acme.com", "security-team"), "x",
                "/home/eve", layers);
        assertThat(effective.mcpServers()).containsExactly(new Item("slack", Layer.USER));
        assertThat(effective.rejected()).isEmpty();
    }

    @Test
    void localScopeServersAndDisabledProjectServers() {
        Map<String, Object> claudeJson = Map.of("projects", Map.of("/home/bob/checkout", servers("jira", "notion")));
        ClaudeCodeLayers layers = new ClaudeCodeLayers(servers("github", "internal-docs"),
                Map.of("disabledMcpjsonServers", List.of("internal-docs")), claudeJson, Map.of(), "/home/bob/checkout", List.of(), List.of());
        EffectiveConfiguration effective = ConfigurationMerger.merge(engine, Identity.of("bob@acme.com"), "checkout", "/home/bob", layers);
        assertThat(effective.mcpServers()).extracting(Item::name).containsExactly("github", "jira");
        assertThat(effective.rejected()).extracting(EffectiveConfiguration.Rejection::item).containsExactly("notion");
    }

    @Test
    void skillsAreRestrictedAndWarnedAndProjectWinsOverUser() {
        ClaudeCodeLayers layers = new ClaudeCodeLayers(Map.of(), Map.of(), Map.of(), Map.of(), "",
                List.of("code-review", "crypto-miner"), List.of("code-review", "yolo"));
        EffectiveConfiguration effective = ConfigurationMerger.merge(engine, Identity.of("bob@acme.com"), "x", "/home/bob", layers);
        assertThat(effective.skills()).containsExactly(new Item("code-review", Layer.PROJECT), new Item("yolo", Layer.USER));
        assertThat(effective.rejected()).extracting(Object::toString)
                .containsExactly("project skill 'crypto-miner' rejected by no-crypto-skills: 'crypto-miner' is not permitted (skills)");
        assertThat(effective.warnings()).singleElement().asString().contains("yolo").contains("discouraged-skills");
    }

    @Test
    void enterpriseLocksBeatProjectAndUserSettings() {
        ClaudeCodeLayers layers = new ClaudeCodeLayers(Map.of(), Map.of("model", "opus", "outputStyle", "terse"), Map.of(),
                Map.of("model", "haiku", "theme", "dark", "outputStyle", "verbose"), "", List.of(), List.of());
        EffectiveConfiguration effective = ConfigurationMerger.merge(engine, Identity.of("bob@acme.com"), "x", "/home/bob", layers);
        assertThat(effective.settings()).containsEntry("model", "sonnet").containsEntry("theme", "dark").containsEntry("outputStyle", "terse");
        assertThat(effective.rejected()).extracting(Object::toString).containsExactly(
                "project setting 'model' rejected by claude_code.model: locked by the enterprise policy to sonnet",
                "user setting 'model' rejected by claude_code.model: locked by the enterprise policy to sonnet");
    }
}
