package io.ccpolicy.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.engine.model.Identity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up warm-up answers everyday calls over HTTP through a copy of the answering stack and leaves no trace. */
class WarmUpTest {

    @TempDir
    Path dir;

    @Test
    void everyCallIsAnsweredAndTheScratchCopyIsGoneAfterwards() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path scratch = state.resolve("warm-up");
        // a crashed warm-up's leftovers, which the next one clears
        Files.createDirectories(scratch.resolve("audit"));
        Files.writeString(scratch.resolve("audit/events.jsonl"), "{\"left\":\"over\"}\n");
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        int calls = warmUp(new AgentLog(new PrintStream(logged, true, StandardCharsets.UTF_8))).run(scratch, 3);

        assertThat(calls).as("28 calls a round: 14 tools, each PreToolUse and PostToolUse").isEqualTo(3 * 28);
        assertThat(scratch).doesNotExist();
        try (Stream<Path> left = Files.list(state)) {
            assertThat(left).as("nothing written beside the scratch copy").isEmpty();
        }
        assertThat(dir.resolve("home")).doesNotExist();
        assertThat(logged.toString(StandardCharsets.UTF_8)).as("no call refused or left unrecorded").isEmpty();
    }

    @Test
    void aDenyingPolicyIsWarmedUpAllTheSame() throws Exception {
        // rm -rf, curl and the Write outside /work are refused: refusals are answers too, and the warm-up goes on
        assertThat(warmUp(new AgentLog(new PrintStream(PrintStream.nullOutputStream()))).run(dir.resolve("warm-up"), 1)).isEqualTo(28);
        assertThat(dir.resolve("warm-up")).doesNotExist();
    }

    private WarmUp warmUp(AgentLog log) throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), "version: \"1.0\"\norganization: Acme\naudit:\n  show_logged: true\npolicies:\n"
                + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n"
                + "  - {name: paths, type: allowlist, target: writePath, values: [\"/work/**\"], severity: error}\n");
        PolicyHolder holder = new PolicyHolder(dir.resolve("policy.yaml"), Clock.systemUTC(), log, p -> { });
        holder.loadInitial();
        return new WarmUp(holder, new AgentConfig("Acme", Identity.of("bob@acme.com"), "m-1"), new Workspace(dir.resolve("home").toString()),
                log, Clock.systemUTC());
    }
}
