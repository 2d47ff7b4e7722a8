package io.ccpolicy.engine.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ccpolicy.engine.model.Mode;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.model.PolicyType;
import io.ccpolicy.engine.model.Severity;
import io.ccpolicy.engine.model.Target;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

    static String resource(String name) throws IOException {
        try (InputStream in = PolicyParserTest.class.getResourceAsStream("/conformance/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void patternFeaturesTheLinearTimeMatcherLacksAreRefusedByNameAndPlace() {
        String yaml = """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: ahead, type: pattern-deny, target: prompt, pattern: "secret(?=:)", severity: error}
                  - {name: behind, type: pattern-deny, target: prompt, pattern: "(?<!no )secret", severity: error}
                  - {name: backref, type: pattern-deny, target: prompt, pattern: "(a+)\\\\1", severity: error}
                  - {name: possessive, type: pattern-deny, target: prompt, pattern: "a*+b", severity: error}
                  - {name: fine, type: pattern-deny, target: prompt, pattern: "[(?=]|\\\\(\\\\?=|(?i)sk-[a-z0-9]{20,}", severity: error}
                """;
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse("p.yaml", yaml));
        assertThat(e.problems()).extracting(PolicyProblem::toString).containsExactly(
                "p.yaml:4:64: policies[0] (ahead): pattern uses a lookahead ((?=) at index 6, which the linear-time matcher does not "
                        + "support (RE2 syntax: no lookaround, backreferences, atomic groups or possessive quantifiers)",
                "p.yaml:5:65: policies[1] (behind): pattern uses a lookbehind ((?<!) at index 0, which the linear-time matcher does not "
                        + "support (RE2 syntax: no lookaround, backreferences, atomic groups or possessive quantifiers)",
                "p.yaml:6:66: policies[2] (backref): pattern uses a backreference (\\1) at index 4, which the linear-time matcher does "
                        + "not support (RE2 syntax: no lookaround, backreferences, atomic groups or possessive quantifiers)",
                "p.yaml:7:69: policies[3] (possessive): pattern uses a possessive quantifier (*+) at index 1, which the linear-time "
                        + "matcher does not support (RE2 syntax: no lookaround, backreferences, atomic groups or possessive quantifiers)");
    }

    @Test
    void theGuidesDocumentLoadsVerbatimWithEveryField() throws Exception {
        PolicyDocument doc = PolicyParser.parse("enterprise-policy.yaml", resource("guide-policy.yaml"));

        assertThat(doc.version()).isEqualTo("1.0");
        assertThat(doc.organization()).isEqualTo("Acme Corporation");
        assertThat(doc.effectiveDate()).contains(LocalDate.of(2024, 12, 1));
        assertThat(doc.lastUpdated()).contains(LocalDate.of(2024, 12, 20));
        assertThat(doc.policies()).extracting(p -> p.name()).containsExactly("approved-mcp-servers", "no-secrets-in-claude-md",
                "require-code-review", "max-session-tokens");
        assertThat(doc.policy("approved-mcp-servers").orElseThrow()).satisfies(p -> {
            assertThat(p.type()).isEqualTo(PolicyType.ALLOWLIST);
            assertThat(p.target()).isEqualTo(Target.MCP_SERVERS);
            assertThat(p.values()).containsExactly("github-mcp", "jira-mcp", "internal-docs-mcp");
            assertThat(p.severity()).isEqualTo(Severity.ERROR);
            assertThat(p.mode()).isEqualTo(Mode.ENFORCE);
            assertThat(p.message()).isEqualTo("MCP server '{{value}}' is not on the approved list");
        });
        assertThat(doc.policy("no-secrets-in-claude-md").orElseThrow().pattern().pattern())
                .isEqualTo("(sk-[a-zA-Z0-9]{32,}|api[-_]?key\\s*[=:]|password\\s*[=:])");
        assertThat(doc.policy("max-session-tokens").orElseThrow().max()).hasValue(100000);
        assertThat(doc.audit().enabled()).isTrue();
        assertThat(doc.audit().destination()).isEqualTo("https://audit.acme.com/claude-logs");
        assertThat(doc.audit().batchSize()).isEqualTo(100);
        assertThat(doc.audit().flushIntervalSeconds()).isEqualTo(60);
        assertThat(doc.audit().includeEvents()).contains("tool_execution", "mcp_call", "session_end");
        assertThat(doc.audit().excludePaths()).containsExactly("*.log", "node_modules/*");
        assertThat(doc.exceptions()).hasSize(2);
        PolicyException team = doc.exceptions().get(0);
        assertThat(team.scope()).isEqualTo(PolicyException.Scope.TEAM);
        assertThat(team.subject()).isEqualTo("security-team");
        assertThat(team.expires()).isEmpty();
        PolicyException alice = doc.exceptions().get(1);
        assertThat(alice.expires()).contains(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(alice.approvedBy()).isEqualTo("manager@acme.com");
        assertThat(doc.sha256()).hasSize(64);
    }

    @Test
    void everyProblemIsListedWithFileLineColumnAndPolicy() {
        String yaml = """
                version: "1.0"
                organization: Acme
                effective_date: "next tuesday"
                policies:
                  - name: a
                    type: allowlist
                    target: mcpServers
                    severity: error
                  - name: b
                    type: blocklist
                    target: tools
                    values: [Bash]
                    severity: error
                  - name: c
                    type: denylist
                    target: hosts
                    values: [x]
                    severity: error
                  - name: d
                    type: pattern-deny
                    target: claudeMd
                    pattern: "(unclosed"
                    severity: error
                  - name: a
                    type: limit
                    target: sessionTokens
                    max: 10
                    severity: warning
                  - name: e
                    type: limit
                    target: sessionTokens
                    severity: fatal
                exceptions:
                  - user: x@acme.com
                    exempt_from: [a]
                  - team: t
                    exempt_from: [nope]
                    reason: r
                    approved_by: ciso
                    expires: "31/12/2024"
                """;
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse("p.yaml", yaml));

        assertThat(e.problems()).extracting(PolicyProblem::toString).containsExactly(
                "p.yaml:3:17: 'effective_date' is not a date (YYYY-MM-DD): 'next tuesday'",
                "p.yaml:5:5: policies[0] (a): missing required field 'values' (a list)",
                "p.yaml:10:11: policies[1] (b): unknown type 'blocklist' (known: allowlist, denylist, pattern-deny, require, limit)",
                "p.yaml:16:13: policies[2] (c): unknown target 'hosts' (known targets: tool, mcpServers, claudeMd, skills, "
                        + "sessionTokens, writePath, readPath, bashCommand, webDomain, prompt)",
                "p.yaml:22:14: policies[3] (d): pattern does not compile: missing closing )",
                "p.yaml:24:5: policies[4] (a): duplicate policy name; policies[0] already uses it",
                "p.yaml:29:5: policies[5] (e): missing required field 'max' (a whole number)",
                "p.yaml:32:15: policies[5] (e): unknown severity 'fatal' (known: error, warning, info)",
                "p.yaml:34:5: exceptions[0]: missing required field 'reason'",
                "p.yaml:34:5: exceptions[0]: missing required field 'approved_by'",
                "p.yaml:37:18: exceptions[1]: exempt_from names unknown policy 'nope'",
                "p.yaml:40:14: exceptions[1]: 'expires' is not a date (YYYY-MM-DD) or timestamp (2024-12-23T00:00:00Z): '31/12/2024'");
        assertThat(e.getMessage()).startsWith("12 problem(s):\np.yaml:3:17:");
    }

    @Test
    void typeAndTargetMustFitAndExtraFieldsAreRefused() {
        String yaml = """
                version: "1.0"
                organization: Acme
                policies:
                  - name: tokens-allowlist
                    type: allowlist
                    target: sessionTokens
                    values: [x]
                    severity: error
                  - name: limit-with-values
                    type: limit
                    target: sessionTokens
                    max: 5
                    values: [x]
                    severity: error
                    serverity: error
                  - name: bad-placeholder
                    type: denylist
                    target: tool
                    values: [Bash]
                    severity: error
                    mode: shadow
                    message: "{{tool}} refused"
                """;
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse("p.yaml", yaml));

        assertThat(e.problems()).extracting(PolicyProblem::toString).containsExactly(
                "p.yaml:5:11: policies[0] (tokens-allowlist): type 'allowlist' cannot be used with target 'sessionTokens' (it takes: limit)",
                "p.yaml:13:5: policies[1] (limit-with-values): 'values' does not apply to type 'limit'",
                "p.yaml:15:5: policies[1] (limit-with-values): unknown key 'serverity' (known keys: applies_to, count, description, max, "
                        + "message, mode, name, on_violation, pattern, severity, target, tools, type, values, warn_at_percent)",
                "p.yaml:21:11: policies[2] (bad-placeholder): unknown mode 'shadow' (known: enforce, warn, audit)",
                "p.yaml:22:14: policies[2] (bad-placeholder): unknown placeholder {{tool}} in message (use {{value}}, {{current}}, "
                        + "{{max}}, {{policy}})");
    }

    @Test
    void malformedYamlIsLocated() {
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
                () -> PolicyParser.parse("p.yaml", "version: \"1.0\"\npolicies:\n  - name: [unclosed\n"));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).toString()).startsWith("p.yaml:4:1: not valid YAML:");
    }

    @Test
    void emptyAndNonMappingDocumentsAreRefused() {
        assertThat(catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse("p.yaml", "")).problems())
                .extracting(PolicyProblem::message).containsExactly("the document is empty");
        assertThat(catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse("p.yaml", "- a\n- b\n")).problems())
                .extracting(PolicyProblem::message).containsExactly("must be a mapping (key: value pairs), found a list");
    }

    @Test
    void claudeCodeSectionIsValidatedAndCannotDisableTheAgent() {
        String yaml = """
                version: "1.0"
                organization: Acme
                policies: []
                claude_code:
                  availableModels: [sonnet, opus]
                  allowManagedPermissionRulesOnly: "yes"
                  disableAllHooks: true
                  permisions: {}
                  permissions:
                    deny: ["Bash(curl:*)"]
                    disableBypassPermissionsMode: enable
                """;
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse("p.yaml", yaml));
        assertThat(e.problems()).extracting(PolicyProblem::toString).containsExactly(
                "p.yaml:6:36: claude_code.allowManagedPermissionRulesOnly: must be true or false, found 'yes'",
                "p.yaml:7:3: claude_code: 'disableAllHooks' is not allowed here: it would switch off the policy agent's own hooks",
                "p.yaml:8:3: claude_code: unknown managed setting 'permisions' (supported: allowManagedHooksOnly, "
                        + "allowManagedMcpServersOnly, allowManagedPermissionRulesOnly, allowedHttpHookUrls, allowedMcpServers, "
                        + "availableModels, cleanupPeriodDays, companyAnnouncements, deniedMcpServers, deniedModels, "
                        + "disableRemoteControl, disableSideloadFlags, enforceAvailableModels, env, forceLoginMethod, "
                        + "forceLoginOrgUUID, forceRemoteSettingsRefresh, maxEffortLevel, model, permissions, "
                        + "requiredMaximumVersion, requiredMinimumVersion, sandbox)",
                "p.yaml:11:35: claude_code.permissions.disableBypassPermissionsMode: the only accepted value is 'disable'");
    }

    @Test
    void dateOnlyExpiryMeansTheEndOfThatDayUtc() {
        assertThat(PolicyParser.expiry("2024-12-31")).contains(Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(PolicyParser.expiry("2024-12-23T08:00:00+02:00")).contains(Instant.parse("2024-12-23T06:00:00Z"));
        assertThat(PolicyParser.expiry("tomorrow")).isEmpty();
    }

    @Test
    void oversizedDocumentsAreRefusedBeforeParsing() {
        String huge = "#" + "x".repeat(PolicyParser.MAX_DOCUMENT_CHARS);
        assertThat(catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse("p.yaml", huge)).problems())
                .extracting(PolicyProblem::message).singleElement().asString().contains("the limit is");
    }

    @Test
    void theFullCorpusPolicyLoads() throws Exception {
        PolicyDocument doc = PolicyParser.parse("full-policy.yaml", resource("full-policy.yaml"));
        assertThat(doc.policies()).hasSizeGreaterThan(20);
        assertThat(List.of(Target.values())).allSatisfy(t -> assertThat(doc.policies()).anyMatch(p -> p.target() == t));
    }

    @Test
    void anAuditDestinationIsHttpsTheLocalMachineOrKafkaAndNothingElse() throws Exception {
        for (String ok : List.of("https://audit.acme.com/claude-logs", "http://127.0.0.1:8083/api/v1/audit/batches", "kafka")) {
            assertThat(PolicyParser.parse("p.yaml", "version: \"1.0\"\norganization: Acme\npolicies: []\naudit:\n  destination: " + ok + "\n").audit()
                    .destination()).isEqualTo(ok);
        }
        for (String bad : List.of("http://audit.acme.com/claude-logs", "ftp://audit.acme.com", "audit.acme.com")) {
            PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
                    () -> PolicyParser.parse("p.yaml", "version: \"1.0\"\norganization: Acme\npolicies: []\naudit:\n  destination: " + bad + "\n"));
            assertThat(e.problems()).singleElement().asString().startsWith("p.yaml:5:16: ").contains("destination must be an https:// URL")
                    .contains("got '" + bad + "'");
        }
    }

    @Test
    void anExceptionsReviewedAtIsATimeAndIsKept() throws Exception {
        String head = "version: \"1.0\"\norganization: Acme\npolicies:\n  - {name: no-rm, type: denylist, target: bashCommand, values: [rm], severity: error}\n"
                + "exceptions:\n  - {user: a@acme.com, exempt_from: [no-rm], reason: r, approved_by: m@acme.com, reviewed_at: ";
        assertThat(PolicyParser.parse("p.yaml", head + "\"2024-12-22T14:30:00Z\"}\n").exceptions().get(0).reviewedAt())
                .hasValue(java.time.Instant.parse("2024-12-22T14:30:00Z"));
        assertThat(PolicyParser.parse("p.yaml", head + "\"2024-12-22\"}\n").exceptions().get(0).reviewedAt())
                .hasValue(java.time.Instant.parse("2024-12-22T00:00:00Z"));
        PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class, () -> PolicyParser.parse("p.yaml", head + "last week}\n"));
        assertThat(e.problems()).singleElement().asString().contains("exceptions[0]").contains("'reviewed_at' is not a date");
    }
}
