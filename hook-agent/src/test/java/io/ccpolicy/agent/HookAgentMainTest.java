package io.ccpolicy.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HookAgentMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void unknownCommandIsAUsageErrorThatNamesIt() {
        int exit = HookAgentMain.run(new String[] {"frobnicate"}, print(out), print(err));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'").contains("hook-agent help");
        assertThat(out.size()).isZero();
    }

    @Test
    void helpListsTheCommands() {
        assertThat(HookAgentMain.run(new String[] {"help"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("version").contains("help");
    }

    @Test
    void everyCommandAnswersHelpWithItsOptionsAndExamples() {
        // "hook-agent serve --help" answered "unknown option --help" (exit 2)
        assertThat(HookAgentMain.run(new String[] {"serve", "--help"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: hook-agent serve").contains("--policy=FILE|DIR").contains("--server=URL")
                .contains("Examples:").contains("hook-agent serve --policy org.yaml");
        assertThat(err.size()).isZero();
        for (String command : List.of("validate", "test", "explain", "diff", "effective-config", "settings", "install", "uninstall", "status",
                "login", "enroll", "logout", "verify-audit", "request-exception", "completion", "version")) {
            out.reset();
            assertThat(HookAgentMain.run(new String[] {command, "-h"}, print(out), print(err))).as(command).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).as(command).contains("Usage: hook-agent " + command).contains("Examples:");
        }
        out.reset();
        assertThat(HookAgentMain.run(new String[] {"help", "diff"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: hook-agent diff").contains("--events=FILE");
    }

    @Test
    void aMisspeltOptionOrCommandIsNamedWithTheOneMeant() {
        assertThat(HookAgentMain.run(new String[] {"test", "--juint", "reports", "a.yaml"}, print(out), print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --juint").contains("did you mean --junit?")
                .contains("Run 'hook-agent test --help' for usage.");
        err.reset();
        assertThat(HookAgentMain.run(new String[] {"valdate", "a.yaml"}, print(out), print(err))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'valdate' (did you mean validate?)");
        assertThat(out.size()).isZero();
    }

    @Test
    void theTopLevelHelpListsEveryCommandAndTheExitCodes() {
        assertThat(HookAgentMain.run(new String[0], print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("serve").contains("verify-audit").contains("request-exception")
                .contains("Exit codes:").contains("2  wrong usage");
    }

    @Test
    void theCompletionScriptCompletesCommandsAndTheirOptions() {
        assertThat(HookAgentMain.run(new String[] {"completion"}, print(out), print(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("complete -F").contains("request-exception").contains("--trust-key");
    }

    private static PrintStream print(ByteArrayOutputStream target) {
        return new PrintStream(target, true, StandardCharsets.UTF_8);
    }
}
