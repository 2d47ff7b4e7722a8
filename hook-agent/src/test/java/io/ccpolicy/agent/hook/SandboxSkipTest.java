package io.ccpolicy.agent.hook;

import static io.ccpolicy.agent.testing.HookHarness.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.testing.HookHarness;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.testing.DebianPackages;
import io.ccpolicy.engine.settings.UnsandboxedRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proven read-only Bash commands run outside the OS sandbox, as the agent rewrites them; nothing else does. */
class SandboxSkipTest {

    @TempDir
    Path dir;

    private static final String POLICY = "version: \"1.0\"\norganization: Acme\nclaude_code:\n  allowManagedHooksOnly: true\npolicies:\n"
            + "  - {name: paths, type: allowlist, target: writePath, values: [\"/work/**\", \"/tmp/**\"], severity: error}\n"
            + "  - {name: count-watch, type: denylist, target: bashCommand, values: [\"wc\"], severity: warning}\n";
    private static final Identity BOB = Identity.of("bob@acme.com");

    /** The agent rewrites only where Claude Code's sandbox can run (bubblewrap and socat); a fresh machine gets them. */
    @BeforeAll
    static void sandboxPackages() throws Exception {
        DebianPackages.require("bwrap", "bubblewrap");
        DebianPackages.require("socat", "socat");
    }

    private static Map<String, Object> bash(String event, String command, boolean unsandboxed) {
        return unsandboxed ? tool(event, "Bash", Map.of("command", command, "description", "d", "dangerouslyDisableSandbox", true))
                : tool(event, "Bash", Map.of("command", command, "description", "d"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> specific(Map<String, Object> answer) {
        return (Map<String, Object>) answer.getOrDefault("hookSpecificOutput", Map.of());
    }

    @Test
    void aProvenReadOnlyCommandIsRewrittenToRunOutsideTheSandboxAndItsPermissionGranted() throws Exception {
        String rewritten = UnsandboxedRun.command("ls -la");
        HookHarness.Run run = HookHarness.run(dir, POLICY, BOB, List.of(bash("PreToolUse", "ls -la", false),
                bash("PermissionRequest", rewritten, true), bash("PostToolUse", rewritten, true)));

        assertThat(specific(run.answers().get(0))).containsEntry("permissionDecision", "allow")
                .containsEntry("updatedInput", Map.of("command", rewritten, "description", "d", "dangerouslyDisableSandbox", true));
        assertThat(specific(run.answers().get(1))).containsEntry("decision", Map.of("behavior", "allow"));
        AuditEvent ran = run.events().get(run.events().size() - 1);
        assertThat(ran.action().params()).as("the trail reads the command the model proposed, and that it ran outside the sandbox")
                .containsEntry("command", "ls -la").containsEntry("dangerouslyDisableSandbox", true);
    }

    @Test
    void aWarningKeepsItsMessageBesideTheRewrite() throws Exception {
        Map<String, Object> answer = HookHarness.run(dir, POLICY, BOB, List.of(bash("PreToolUse", "wc -l README.md", false))).answers().get(0);
        assertThat(String.valueOf(answer.get("systemMessage"))).contains("Policy warning (count-watch)");
        assertThat(specific(answer)).containsKey("additionalContext").containsEntry("permissionDecision", "allow");
        assertThat(specific(answer).get("updatedInput")).asString().contains(UnsandboxedRun.command("wc -l README.md"));
    }

    @Test
    void everythingElseStaysInTheSandboxAndTheModelsOwnRequestToLeaveItIsRefused() throws Exception {
        HookHarness.Run run = HookHarness.run(dir, POLICY, BOB, List.of(bash("PreToolUse", "make", false),
                bash("PreToolUse", "echo hi > notes.txt", false),
                bash("PermissionRequest", "make", true),
                bash("PermissionRequest", "ls -la", true), // proven, but not the agent's rewrite: PATH and functions unchecked
                bash("PermissionRequest", UnsandboxedRun.command("make"), true))); // the rewrite of what is not proven

        assertThat(run.answers().get(0)).isEmpty();
        assertThat(run.answers().get(1)).isEmpty();
        for (Map<String, Object> refused : run.answers().subList(2, 5)) {
            assertThat(specific(refused).get("decision")).asString().contains("behavior=deny").contains("may not run outside the OS sandbox");
        }
    }

    @Test
    void aProjectsPermissionRuleOnBashKeepsEveryCommandInTheSandbox() throws Exception {
        // the rule is matched against the command as it runs: the rewrite would hide "cat" from it
        java.nio.file.Files.createDirectories(dir.resolve("proj/.claude"));
        java.nio.file.Files.writeString(dir.resolve("proj/.claude/settings.local.json"), "{\"permissions\": {\"ask\": [\"Bash(cat:*)\"]}}");
        java.nio.file.Files.createDirectories(dir.resolve("other/.claude"));
        java.nio.file.Files.writeString(dir.resolve("other/.claude/settings.json"), "{\"permissions\": {\"deny\": [");
        HookHarness.Run run = HookHarness.run(dir, POLICY, BOB, List.of(
                tool("PreToolUse", "Bash", Map.of("command", "cat README.md"), "cwd", dir.resolve("proj").toString()),
                tool("PreToolUse", "Bash", Map.of("command", "cat README.md"), "cwd", dir.resolve("other").toString()),
                tool("PreToolUse", "Bash", Map.of("command", "cat README.md"), "cwd", dir.toString())));
        assertThat(run.answers().get(0)).isEmpty();
        assertThat(run.answers().get(1)).as("settings that cannot be read count as holding a rule").isEmpty();
        assertThat(specific(run.answers().get(2))).containsKey("updatedInput");
    }

    @Test
    void withoutManagedHooksOnlyNothingSkipsTheSandboxAndTheFlagIsLeftToClaudeCode() throws Exception {
        String policy = POLICY.replace("claude_code:\n  allowManagedHooksOnly: true\n", "");
        HookHarness.Run run = HookHarness.run(dir, policy, BOB, List.of(bash("PreToolUse", "ls -la", false),
                bash("PermissionRequest", "make", true)));
        assertThat(run.answers().get(0)).isEmpty();
        assertThat(run.answers().get(1)).as("allowUnsandboxedCommands is false: Claude Code ignores the flag, so no refusal").isEmpty();
    }
}
