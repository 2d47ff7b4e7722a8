package io.ccpolicy.service.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox's own migration on a real PostgreSQL, from each state a database can be in: no outbox, the first shape the
 * services' old migrations made (with a waiting row), and the current shape those migrations ended at.
 */
class OutboxSchemaTest {

    private static final String CURRENT_COLUMNS = "created_at event_id failed_at failure id payload record_key sent_at topic";
    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private DataSource database(String name) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return postgres.getDatabase("postgres", name);
    }

    private static void run(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> rows(DataSource db, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(query)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }

    private static String columns(DataSource db) throws Exception {
        return String.join(" ", rows(db, "select column_name from information_schema.columns where table_name = 'outbox' order by column_name"));
    }

    @Test
    void aNewDatabaseGetsTheOutboxAndTheChain() throws Exception {
        DataSource db = database("fresh");
        OutboxSchema.migrate(db, "policy-service");
        assertThat(columns(db)).isEqualTo(CURRENT_COLUMNS);
        assertThat(rows(db, "select to_regclass('admin_audit_chain')::text")).containsExactly("admin_audit_chain");
        OutboxSchema.migrate(db, "policy-service");
        assertThat(rows(db, "select version from outbox_schema_history where success and version = '1'")).as("applied once").hasSize(1);
    }

    @Test
    void theServicesFirstShapeIsRenamedAndItsWaitingRowKeepsItsEventAndGetsAKey() throws Exception {
        DataSource db = database("first_shape");
        run(db, """
                create table admin_audit_outbox (id bigserial primary key, event_id text not null unique, payload text not null,
                    created_at timestamptz not null, sent_at timestamptz);
                create index admin_audit_outbox_unsent on admin_audit_outbox (id) where sent_at is null;
                create table admin_audit_chain (source text primary key, last_seq bigint not null, last_hash text not null);
                insert into admin_audit_outbox (event_id, payload, created_at) values ('evt_waiting', '{}', now());
                """);
        OutboxSchema.migrate(db, "exception-service");
        assertThat(columns(db)).isEqualTo(CURRENT_COLUMNS);
        assertThat(rows(db, "select to_regclass('admin_audit_outbox')::text")).containsOnlyNulls();
        assertThat(rows(db, "select event_id || ' ' || topic || ' ' || record_key from outbox"))
                .containsExactly("evt_waiting audit.events.v1 service:exception-service");
        assertThat(rows(db, "select indexdef from pg_indexes where indexname = 'outbox_unsent'")).singleElement().asString()
                .contains("sent_at IS NULL").contains("failed_at IS NULL");
    }

    @Test
    void aDatabaseTheServicesAlreadyBroughtToTheCurrentShapeKeepsItsRows() throws Exception {
        DataSource db = database("current_shape");
        run(db, """
                create table outbox (id bigserial primary key, event_id text not null unique, payload text not null,
                    created_at timestamptz not null, sent_at timestamptz, topic text not null, record_key text not null,
                    failed_at timestamptz, failure text);
                create table admin_audit_chain (source text primary key, last_seq bigint not null, last_hash text not null);
                insert into outbox (event_id, payload, created_at, topic, record_key) values ('evt_1', '{}', now(), 'exception.grants.v1', 'x-1');
                insert into admin_audit_chain values ('policy-service', 7, 'ab');
                """);
        OutboxSchema.migrate(db, "policy-service");
        assertThat(columns(db)).isEqualTo(CURRENT_COLUMNS);
        assertThat(rows(db, "select event_id || ' ' || topic || ' ' || record_key from outbox")).containsExactly("evt_1 exception.grants.v1 x-1");
        assertThat(rows(db, "select source || ' ' || last_seq from admin_audit_chain")).containsExactly("policy-service 7");
    }
}
