package io.ccpolicy.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Long commands show progress to a person at a terminal, and nothing in CI or in a pipe. */
class ProgressTest {

    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(terminal, true, StandardCharsets.UTF_8);
    private final AtomicLong nanos = new AtomicLong();

    private String shown() {
        return terminal.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onlyAConsoleOutsideCiSeesProgress() {
        assertThat(Progress.onTerminal(Map.of(), true)).isTrue();
        assertThat(Progress.onTerminal(Map.of("CI", "true"), true)).as("GitHub Actions, GitLab, ... set CI").isFalse();
        assertThat(Progress.onTerminal(Map.of("CI", "false"), true)).isTrue();
        assertThat(Progress.onTerminal(Map.of(), false)).as("piped or redirected").isFalse();
    }

    @Test
    void quietProgressWritesNothingAndLeavesOutputAlone() {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (Progress progress = new Progress(err, "testing", false, nanos::get)) {
            progress.update(5, 10);
            assertThat(progress.above(out)).isSameAs(out);
        }
        assertThat(shown()).isEmpty();
    }

    @Test
    void theLineIsRedrawnInPlaceAtMostFiveTimesASecondAndClearedForOutput() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (Progress progress = new Progress(err, "replaying events.jsonl", true, nanos::get)) {
            progress.update(1, 400);
            nanos.addAndGet(50_000_000);
            progress.update(2, 400);
            assertThat(shown()).isEqualTo("\rreplaying events.jsonl 1/400 (0%)").as("the second update came too soon");
            nanos.addAndGet(200_000_000);
            progress.update(120, 400);
            assertThat(shown()).endsWith("\rreplaying events.jsonl 120/400 (30%)");
            PrintStream out = progress.above(new PrintStream(printed, true, StandardCharsets.UTF_8));
            out.println("a change");
            assertThat(shown()).as("the line is wiped before the output").endsWith("(30%)\r" + " ".repeat("replaying events.jsonl 120/400 (30%)".length()) + "\r");
            progress.update(121, 400);
            assertThat(shown()).as("and drawn again at once").endsWith("\rreplaying events.jsonl 121/400 (30%)");
            progress.update(400, 400);
            assertThat(shown()).as("the last step is always shown").endsWith("400/400 (100%)");
        }
        assertThat(shown()).endsWith("\r" + " ".repeat("replaying events.jsonl 400/400 (100%)".length()) + "\r");
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("a change" + System.lineSeparator());
    }
}
