package io.ccpolicy.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.engine.model.Identity;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up warm-up decides everyday calls and leaves no trace: nothing in the spool, the journal or the project. */
class WarmUpTest {

    @TempDir
    Path dir;

    @Test
    void theWarmUpDecidesAndRecordsNothing() throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), "version: \"1.0\"\norganization: Acme\naudit:\n  show_logged: true\npolicies:\n"
                + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n"
                + "  - {name: paths, type: allowlist, target: writePath, values: [\"/work/**\"], severity: error}\n");
        AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));
        PolicyHolder holder = new PolicyHolder(dir.resolve("policy.yaml"), Clock.systemUTC(), log, p -> { });
        holder.loadInitial();
        try (AuditSpool spool = new AuditSpool(dir)) {
            HookService service = new HookService(holder, new AgentConfig("Acme", Identity.of("bob@acme.com"), "m-1"),
                    new Workspace(dir.toString()), spool, log, Clock.systemUTC());
            service.warmUp(3);
            assertThat(spool.pendingBytes()).isZero();
            assertThat(service.awaitRecorded(1000)).as("no journaled call left open").isTrue();
        }
        assertThat(dir.resolve(".ccpolicy-warm-up")).doesNotExist();
        Path events = dir.resolve("audit/events.jsonl");
        assertThat(!Files.exists(events) || Files.size(events) == 0).as("no audit event").isTrue();
    }
}
