package io.ccpolicy.audit.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V12 moves "origin not proven" from one integrity finding per event onto the event: a trail stored before keeps every
 * event's reason, and no such finding is left behind. Run on a database of its own, migrated to V11 and filled first.
 */
@QuarkusTest
class UnverifiedMigrationTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void eventsStoredAsUnverifiedFindingsKeepTheirReasonOnTheEvent() throws Exception {
        String database = "migration_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection admin = DriverManager.getConnection(url, user, password); Statement s = admin.createStatement()) {
            s.execute("create database " + database);
        }
        String migrated = url.substring(0, url.lastIndexOf('/') + 1) + database;
        Flyway.configure().dataSource(migrated, user, password).locations("classpath:db/migration").target("11").load().migrate();
        try (Connection c = DriverManager.getConnection(migrated, user, password); Statement s = c.createStatement()) {
            s.execute("select audit_event_ensure_partition(date '2026-03-01')");
            for (String id : new String[] {"evt_unproven", "evt_proven"}) {
                s.execute("insert into audit_event (event_id, machine_id, event_type, occurred_at, payload, ingested_at) values ('" + id
                        + "', 'm-1', 'tool_execution', timestamptz '2026-03-01 10:00Z', '{}', timestamptz '2026-03-01 10:00Z')");
            }
            s.execute("insert into integrity_finding (machine_id, event_id, seq, kind, problem, detected_at) values"
                    + " ('m-1', 'evt_unproven', 1, 'unverified', 'machine m-1 is not enrolled', now()),"
                    + " ('m-1', 'evt_proven', 2, 'clock', 'timestamp far behind ingest time', now())");
        }

        Flyway.configure().dataSource(migrated, user, password).locations("classpath:db/migration").load().migrate();

        try (Connection c = DriverManager.getConnection(migrated, user, password); Statement s = c.createStatement()) {
            try (ResultSet rows = s.executeQuery("select event_id, unverified from audit_event order by event_id")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("evt_proven");
                assertThat(rows.getString(2)).isNull();
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(2)).isEqualTo("machine m-1 is not enrolled");
            }
            try (ResultSet rows = s.executeQuery("select kind from integrity_finding")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).as("other findings stay").isEqualTo("clock");
                assertThat(rows.next()).as("no unverified finding is left").isFalse();
            }
        }
    }
}
