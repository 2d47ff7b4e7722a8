package io.ccpolicy.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.parse.PolicyParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImpactAnalysisTest {

    private static final String CURRENT = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
            exceptions:
              - {user: ops@acme.com, exempt_from: [no-rm], reason: cleanup, approved_by: lead, expires: "2026-11-01T00:00:00Z"}
            """;
    private static final String DRAFT = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-sudo, type: denylist, target: bashCommand, values: ["sudo"], severity: error}
              - {name: no-curl, type: denylist, target: bashCommand, values: ["curl"], severity: warning}
            """;

    private static Map<String, Object> bash(String id, String user, List<String> teams, String command, String at) {
        return Map.of("eventId", id, "eventType", "PreToolUse", "timestamp", at, "machine", Map.of("id", "m-1"),
                "user", Map.of("email", user, "teams", teams), "session", Map.of("id", "s", "projectPath", "/work/app", "project", "app"),
                "action", Map.of("type", "tool_execution", "tool", "Bash", "params", Map.of("command", command)));
    }

    @Test
    void recordedCallsWhoseVerdictChangesAreCountedByDecidingPolicyAndTeam() throws Exception {
        ImpactAnalysis impact = new ImpactAnalysis(PolicyParser.parse("current", CURRENT), PolicyParser.parse("draft", DRAFT), 2);
        impact.add(bash("e1", "bob@acme.com", List.of("payments"), "sudo apt install jq", "2026-11-20T10:00:00Z"));
        impact.add(bash("e2", "ann@acme.com", List.of("payments", "web"), "sudo ls", "2026-11-20T10:01:00Z"));
        impact.add(bash("e3", "bob@acme.com", List.of("payments"), "rm -rf build", "2026-11-20T10:02:00Z"));
        impact.add(bash("e4", "bob@acme.com", List.of(), "ls -la", "2026-11-20T10:03:00Z"));
        impact.add(bash("e5", "bob@acme.com", List.of(), "curl https://example.com", "2026-11-20T10:04:00Z"));
        // Exempt from no-rm in October, not any more in November: replayed at its own time.
        impact.add(bash("e6", "ops@acme.com", List.of("ops"), "rm -rf /tmp/x", "2026-10-20T10:00:00Z"));
        impact.add(Map.of("eventId", "e7", "eventType", "SessionStart", "timestamp", "2026-11-20T10:05:00Z"));
        impact.add(Map.of("eventId", "e8", "eventType", "PreToolUse", "timestamp", "2026-11-20T10:06:00Z", "user", Map.of("email", "bob@acme.com"),
                "machine", Map.of("id", "m-1"), "action", Map.of("type", "file_modification", "tool", "Write", "params", Map.of("file_path", "/work/app/a.txt", "contentHash", "sha256:ab"))));

        ImpactAnalysis.Report report = impact.report();
        assertThat(report.replayed()).isEqualTo(7);
        assertThat(report.skipped()).isEqualTo(1);
        assertThat(report.withoutContent()).isEqualTo(1);
        assertThat(report.withoutHome()).as("recorded without a home directory").isEqualTo(7);
        assertThat(report.changed()).isEqualTo(4);
        assertThat(report.groups()).containsExactly(
                new ImpactAnalysis.Group("no-sudo", "payments", Verdict.ALLOW, Verdict.DENY, 2),
                new ImpactAnalysis.Group("no-curl", "(no team)", Verdict.ALLOW, Verdict.WARN, 1),
                new ImpactAnalysis.Group("no-rm", "payments", Verdict.DENY, Verdict.ALLOW, 1),
                new ImpactAnalysis.Group("no-sudo", "web", Verdict.ALLOW, Verdict.DENY, 1));
        assertThat(report.examples()).hasSize(2).extracting(ImpactAnalysis.Change::eventId).containsExactly("e1", "e2");
    }

    @Test
    void withNothingInForceEveryCallWasAllowed() throws Exception {
        ImpactAnalysis impact = new ImpactAnalysis(null, PolicyParser.parse("draft", DRAFT), 10);
        impact.add(bash("e1", "bob@acme.com", List.of("payments"), "sudo ls", "2026-11-20T10:00:00Z"));
        assertThat(impact.report().groups()).containsExactly(new ImpactAnalysis.Group("no-sudo", "payments", Verdict.ALLOW, Verdict.DENY, 1));
    }

    private static final String GUIDE_PATHS = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: approved-paths, type: allowlist, target: writePath, values: ["~/*", "/tmp/claude-*"], severity: error}
            """;

    private static Map<String, Object> write(String id, String user, List<String> teams, String path, String home, String at) {
        Map<String, Object> session = new java.util.LinkedHashMap<>(Map.of("id", "s", "projectPath", "/home/alice/app", "project", "github.com/acme/app"));
        if (home != null) {
            session.put("home", home);
        }
        return Map.of("eventId", id, "eventType", "PreToolUse", "timestamp", at, "machine", Map.of("id", "m-1"),
                "user", Map.of("email", user, "teams", teams), "session", session,
                "action", Map.of("type", "file_modification", "tool", "Write", "params", Map.of("file_path", path)));
    }

    @Test
    void aWriteInTheDevelopersHomeIsJudgedWithTheHomeItWasRecordedWith() throws Exception {
        ImpactAnalysis impact = new ImpactAnalysis(null, PolicyParser.parse("draft", GUIDE_PATHS), 10);
        assertThat(impact.add(write("e1", "alice@acme.com", List.of(), "/home/alice/app/src/a.ts", "/home/alice", "2026-11-20T10:00:00Z")))
                .as("an ordinary write under ~/* stays allowed").isEmpty();
        assertThat(impact.add(write("e2", "alice@acme.com", List.of(), "/etc/hosts", "/home/alice", "2026-11-20T10:00:00Z")))
                .hasValueSatisfying(c -> assertThat(c.after()).isEqualTo(Verdict.DENY));
        impact.add(write("e3", "alice@acme.com", List.of(), "/home/alice/app/src/a.ts", null, "2026-11-20T10:00:00Z"));
        ImpactAnalysis.Report report = impact.report();
        assertThat(report.withoutHome()).as("an event without its home cannot be judged on ~ and says so").isEqualTo(1);
        assertThat(report.changed()).isEqualTo(2);
    }

    @Test
    void theTeamAndProjectLayersThatAppliedAndTheGrantsThenInForceAreReplayedToo() throws Exception {
        PolicyDocument paymentsLayer = PolicyParser.parse("team:payments", """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: payments-no-kubectl, type: denylist, target: bashCommand, values: ["kubectl"], severity: error}
                """);
        String draft = """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: no-kubectl, type: denylist, target: bashCommand, values: ["kubectl"], severity: error}
                  - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
                """;
        PolicyException grant = new PolicyException("grant-1", PolicyException.Scope.USER, "bob@acme.com", List.of("no-rm"), "cleanup", "lead",
                java.util.Optional.of(java.time.Instant.parse("2026-12-01T00:00:00Z")));
        java.time.Instant granted = java.time.Instant.parse("2026-11-20T12:00:00Z");
        ImpactAnalysis impact = new ImpactAnalysis(PolicyParser.parse("current", CURRENT), PolicyParser.parse("draft", draft),
                new ImpactAnalysis.Surroundings() {
                    @Override
                    public List<PolicyDocument> layers(Identity who, String project, java.time.Instant at) {
                        return who.inTeam("payments") ? List.of(paymentsLayer) : List.of();
                    }

                    @Override
                    public List<PolicyException> grants(Identity who, String project, java.time.Instant at) {
                        return at.isBefore(granted) ? List.of() : List.of(grant);
                    }
                }, 10);
        assertThat(impact.add(bash("k1", "bob@acme.com", List.of("payments"), "kubectl get pods", "2026-11-20T10:00:00Z")))
                .as("denied by the payments layer before, by the draft after: no change for payments").isEmpty();
        assertThat(impact.add(bash("k2", "eve@acme.com", List.of("web"), "kubectl get pods", "2026-11-20T10:00:00Z"))).isPresent();
        assertThat(impact.add(bash("r1", "bob@acme.com", List.of("payments"), "rm -rf build", "2026-11-20T13:00:00Z")))
                .as("bob's grant was in force: allowed before (current no-rm exempted) and after").isEmpty();
        assertThat(impact.add(bash("r0", "bob@acme.com", List.of("payments"), "rm -rf build", "2026-11-20T11:00:00Z")))
                .as("before the grant: denied under both").isEmpty();
        assertThat(impact.add(bash("r2", "bob@acme.com", List.of("payments"), "rm -rf build", "2026-12-02T00:00:00Z")))
                .as("the grant had expired: denied under both").isEmpty();
        assertThat(impact.report().changed()).isEqualTo(1);
    }
}
