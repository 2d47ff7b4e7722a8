package io.ccpolicy.audit.messaging;

import static io.ccpolicy.audit.messaging.PipelineHarness.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole audit pipeline with real parts: the agent's spool and shipper, a KRaft broker, the packaged audit-ingest
 * (a separate process, killed with SIGKILL), PostgreSQL and s3proxy. Each outage is real: the server is stopped, then
 * started again on the same port with the same data. After each, every event is in PostgreSQL exactly once and in
 * exactly one archive object that a committed batch recorded (what the hour's manifest will list).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditPipelineIT {

    private static PipelineHarness pipeline;

    @BeforeAll
    static void startEverythingButKafka() throws Exception {
        pipeline = new PipelineHarness(Map.of());
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    @Order(1)
    void eventsRecordedWhileKafkaIsDownArriveExactlyOnceWhenItIsBack() throws Exception {
        try (PipelineHarness.Agent agent = pipeline.agent("machine-offline", 500)) {
            agent.record(1000);
            await().atMost(DEADLINE).until(() -> !agent.shipper.status().lastError().isEmpty());
            assertThat(agent.audit.pendingBytes()).as("nothing acknowledged while Kafka is down").isEqualTo(agent.audit.size());

            pipeline.startKafka(3);

            await().atMost(DEADLINE).until(() -> pipeline.stored(agent.machine) == 1000);
            assertStoredOnceAndArchivedOnce(agent);
        }
    }

    @Test
    @Order(2)
    void ingestKilledWhileStoringLosesNothingAndDuplicatesNothing() throws Exception {
        try (PipelineHarness.Agent agent = pipeline.agent("machine-busy", 500)) {
            agent.record(30_000);
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> pipeline.stored(agent.machine) > 0);
            pipeline.killIngest();
            long atKill = pipeline.stored(agent.machine);
            System.out.println("audit-ingest killed (SIGKILL) with " + atKill + " of 30000 events stored");
            assertThat(atKill).as("killed part-way").isLessThan(30_000);

            pipeline.startIngest();
            await().atMost(DEADLINE).until(() -> pipeline.stored(agent.machine) == 30_000);
            assertStoredOnceAndArchivedOnce(agent);
        }
    }

    @Test
    @Order(3)
    void whileS3IsDownNoOffsetIsCommittedAndNothingIsLost() throws Exception {
        outageLosesNothing("machine-s3-outage", () -> pipeline.s3proxy().kill(), () -> pipeline.s3proxy().restart());
    }

    @Test
    @Order(4)
    void whilePostgresIsDownNoOffsetIsCommittedAndNothingIsLost() throws Exception {
        outageLosesNothing("machine-db-outage", pipeline::stopPostgres, pipeline::startPostgres);
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Events recorded during the outage wait in Kafka (no offset moves, nothing stored half) and all arrive after it. */
    private static void outageLosesNothing(String machine, Step stop, Step start) throws Exception {
        try (PipelineHarness.Agent agent = pipeline.agent(machine, 500)) {
            Map<TopicPartition, Long> before = pipeline.committedOffsets();
            stop.run();
            agent.record(500);
            await().atMost(DEADLINE).until(() -> agent.audit.pendingBytes() == 0);
            await().atMost(DEADLINE).until(() -> pipeline.readiness().contains("\"failingBatches\""));
            assertThat(pipeline.stored(agent.machine)).as("a failed batch stores nothing (-1: the database is away)").isIn(0L, -1L);
            assertThat(pipeline.committedOffsets()).as("offsets stay during the outage").isEqualTo(before);

            start.run();
            await().atMost(DEADLINE).until(() -> pipeline.stored(agent.machine) == 500);
            assertStoredOnceAndArchivedOnce(agent);
        }
    }

    /** Every event of the agent once in PostgreSQL, and once across the archive objects that committed batches recorded. */
    private static void assertStoredOnceAndArchivedOnce(PipelineHarness.Agent agent) throws Exception {
        try (Connection c = pipeline.connect(); PreparedStatement q = c.prepareStatement(
                "select count(*), count(distinct event_id) from audit_event where machine_id = ?")) {
            q.setString(1, agent.machine);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(agent.recorded);
                assertThat(r.getLong(2)).isEqualTo(agent.recorded);
            }
        }
        Map<String, Integer> archived = new HashMap<>();
        try (Connection c = pipeline.connect(); PreparedStatement q = c.prepareStatement("select object_key from archive_object");
                ResultSet r = q.executeQuery()) {
            while (r.next()) {
                byte[] object = pipeline.archive().read(r.getString(1));
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(object))) {
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                            .filter(line -> line.contains("\"id\":\"" + agent.machine + "\""))
                            .forEach(line -> archived.merge(line.replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1"), 1, Integer::sum));
                }
            }
        }
        assertThat(archived).hasSize((int) agent.recorded);
        assertThat(archived.values()).as("no event archived twice").containsOnly(1);
    }
}
