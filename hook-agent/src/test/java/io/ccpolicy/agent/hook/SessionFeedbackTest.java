package io.ccpolicy.agent.hook;

import static io.ccpolicy.agent.testing.HookHarness.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.testing.HookHarness;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.model.Identity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the developer is told: the SessionStart banner, the opt-in ACTION LOGGED box; and exception fields carried to the audit. */
class SessionFeedbackTest {

    @TempDir
    Path dir;

    private static final String POLICY = "version: \"1.0\"\norganization: Acme\npolicies:\n"
            + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n"
            + "  - {name: no-curl, type: denylist, target: bashCommand, values: [\"curl\"], severity: warning}\n"
            + "  - {name: paths, type: allowlist, target: writePath, values: [\"~/*\", \"/tmp/*\"], severity: error}\n"
            + "  - {name: payments-no-prod, type: denylist, target: bashCommand, values: [\"kubectl\"], severity: error,"
            + " applies_to: {teams: [payments]}}\n"
            + "  - {name: sql-dump-watch, type: denylist, target: bashCommand, values: [\"pg_dump\"], severity: error, mode: audit}\n"
            + "  - {name: tokens, type: limit, target: sessionTokens, max: 100000, severity: warning}\n"
            + "exceptions:\n"
            + "  - {user: bob@acme.com, exempt_from: [no-rm], reason: INCIDENT-123 cleanup, approved_by: manager@acme.com,"
            + " expires: \"2099-12-23T00:00:00Z\", reviewed_at: \"2026-11-22T14:30:00Z\"}\n"
            + "  - {team: payments, exempt_from: [no-curl], reason: vendor API, approved_by: ciso@acme.com}\n";

    private static final Map<String, Object> SESSION_START = Map.of("hook_event_name", "SessionStart", "session_id", "s1", "cwd", "/tmp",
            "source", "startup");

    private static String banner(HookHarness.Run run) {
        return String.valueOf(run.answers().get(0).get("systemMessage"));
    }

    @Test
    void theBannerCountsOnlyThePoliciesThatActForThisDeveloperAndNamesTheAuditOnlyOnes() throws Exception {
        String banner = banner(HookHarness.run(dir, POLICY, Identity.of("bob@acme.com", "platform"), List.of(SESSION_START)));
        assertThat(banner).contains("Enterprise Policy Active: Acme\nPolicies: 4 active, 1 exception applied (user bob@acme.com)")
                .contains("Audit only (recorded, never blocking): sql-dump-watch").doesNotContain("payments-no-prod");

        String payments = banner(HookHarness.run(dir, POLICY, Identity.of("carol@acme.com", "payments"), List.of(SESSION_START)));
        assertThat(payments).contains("Policies: 5 active, 1 exception applied (team payments)");
    }

    @Test
    void actionLoggedIsOptInAndShowsTheRecordedEventsId() throws Exception {
        Map<String, Object> read = tool("PreToolUse", "Read", Map.of("file_path", "/work/app/src/auth/login.ts"));
        HookHarness.Run quiet = HookHarness.run(dir, POLICY, Identity.of("bob@acme.com"), List.of(read));
        assertThat(quiet.answers().get(0)).as("off by default: noise for most teams").isEmpty();

        HookHarness.Run shown = HookHarness.run(dir, POLICY + "audit:\n  show_logged: true\n", Identity.of("bob@acme.com"),
                List.of(read, tool("PreToolUse", "Bash", Map.of("command", "kubectl get pods")),
                        tool("PreToolUse", "Write", Map.of("file_path", "/etc/hosts", "content", "x"))));
        AuditEvent logged = shown.events().get(shown.events().size() - 3);
        assertThat(String.valueOf(shown.answers().get(0).get("systemMessage"))).contains("| ACTION LOGGED")
                .contains("| Event: tool_execution (Read)").contains("| Target: src/auth/login.ts").contains("| Policy check: PASSED")
                .contains("| Audit ID: " + logged.eventId() + " ");
        assertThat(shown.answers().get(1).get("systemMessage")).as("an allowed Bash call is logged too").asString().contains("ACTION LOGGED");
        assertThat(shown.answers().get(2).toString()).as("a denied action gets its violation, not a log line")
                .doesNotContain("ACTION LOGGED").contains("deny");
    }

    @Test
    void anAppliedExceptionIsRecordedWithWhoApprovedItAndWhenItWasLastReviewed() throws Exception {
        HookHarness.Run run = HookHarness.run(dir, POLICY, Identity.of("bob@acme.com"), List.of(
                tool("PreToolUse", "Bash", Map.of("command", "rm -rf /tmp/build"))));
        assertThat(run.answers().get(0)).isEmpty();
        AuditEvent event = run.events().get(0);
        assertThat(event.decision().exceptions()).singleElement().asString().startsWith("user:bob@acme.com");
        assertThat(event.context().get("exceptions")).isEqualTo(List.of(Map.of("id", event.decision().exceptions().get(0),
                "approvedBy", "manager@acme.com", "expires", "2099-12-23T00:00:00Z", "reviewedAt", "2026-11-22T14:30:00Z")));
    }
}
