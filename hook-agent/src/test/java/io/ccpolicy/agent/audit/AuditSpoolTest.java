package io.ccpolicy.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's buffering rules on their own: batches from the acknowledged position, durable across restarts, nothing lost. */
class AuditSpoolTest {

    @TempDir
    Path dir;

    private static void record(AuditSpool spool, int events) {
        for (int i = 0; i < events; i++) {
            spool.append(Map.of("eventId", "evt_" + i, "timestamp", "2026-12-06T12:00:0" + (i % 10) + "Z"));
        }
    }

    @Test
    void batchesComeFromTheAcknowledgedPositionAndItSurvivesARestart() throws Exception {
        try (AuditSpool spool = new AuditSpool(dir)) {
            record(spool, 5);
            assertThat(spool.pendingBytes()).as("an agent that ships nowhere has nothing pending").isZero();
            spool.startShipping();
            assertThat(spool.pendingBytes()).isEqualTo(spool.size());
            AuditSpool.Batch first = spool.next(2);
            assertThat(first.lines()).hasSize(2).allMatch(line -> line.contains("\"seq\":"));
            assertThat(spool.next(2)).as("nothing moves until acknowledged").isEqualTo(first);
            spool.acknowledge(first);
            assertThat(spool.next(10).lines()).hasSize(3).first().asString().contains("evt_2");
            assertThat(spool.oldestUnsent()).isEqualTo("2026-12-06T12:00:02Z");
        }
        try (AuditSpool restarted = new AuditSpool(dir)) {
            restarted.startShipping();
            assertThat(restarted.next(10).lines()).as("resumes after the acknowledged batch").hasSize(3).first().asString().contains("evt_2");
        }
    }

    @Test
    void aLineSetAsideIsKeptWholeAndCountedAcrossRestarts() throws Exception {
        try (AuditSpool spool = new AuditSpool(dir)) {
            spool.setAside("{\"eventId\":\"evt_big\"}", "too large for the topic");
        }
        try (AuditSpool restarted = new AuditSpool(dir)) {
            assertThat(restarted.quarantined()).isEqualTo(1);
            assertThat(Files.readString(restarted.quarantineFile())).contains("evt_big").contains("too large for the topic");
        }
    }

    @Test
    void aWhollyAcknowledgedSpoolIsCompactedAndTheChainGoesOn() throws Exception {
        try (AuditSpool spool = new AuditSpool(dir, 100)) {
            spool.startShipping();
            record(spool, 3);
            spool.acknowledge(spool.next(10));
            assertThat(spool.size()).as("compacted").isZero();
            assertThat(spool.pendingBytes()).isZero();
            record(spool, 1);
            assertThat(spool.next(10).lines()).singleElement().asString().contains("\"seq\":4");
        }
        try (AuditSpool restarted = new AuditSpool(dir)) {
            restarted.startShipping();
            assertThat(restarted.next(10).lines()).as("the position was reset with the compaction").singleElement().asString()
                    .contains("\"seq\":4");
        }
    }

    @Test
    void aLineLongerThanTheReadWindowIsHandedOverAsItsHeadAndTheLinesBehindItFollow() throws Exception {
        Path spoolFile = Files.createDirectories(dir.resolve("audit")).resolve("events.jsonl");
        String huge = "{\"eventId\":\"evt_huge\",\"blob\":\"" + "z".repeat(9 * 1024 * 1024) + "\"}";
        Files.writeString(spoolFile, huge + "\n{\"eventId\":\"evt_after\"}\n");
        try (AuditSpool spool = new AuditSpool(dir)) {
            spool.startShipping();
            AuditSpool.Batch first = spool.next(10);
            assertThat(first.lines()).singleElement().asString().startsWith("{\"eventId\":\"evt_huge\"")
                    .endsWith("...(a line of " + huge.length() + " bytes)");
            assertThat(first.end()).isEqualTo(huge.length() + 1);
            spool.acknowledge(first);
            assertThat(spool.next(10).lines()).containsExactly("{\"eventId\":\"evt_after\"}");
        }
    }
}
