package io.ccpolicy.audit.repository;

import io.ccpolicy.audit.domain.IncomingEvent;
import io.ccpolicy.engine.audit.AuditChain;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The ingest write path in plain JDBC, set-based (one statement per batch, not per event). Must run inside the caller's
 * transaction: the datasource hands out the connection enlisted in it.
 */
@ApplicationScoped
public class IngestRepository {

    /** What ingest found about an event: a break in its machine's chain, or a timestamp far from ingest time. */
    public record Finding(String machineId, String eventId, Long seq, String kind, String problem) {
        public static final String CHAIN = "chain";
        public static final String CLOCK = "clock";
        /** An event refused for its authenticity (signature, machine, user): it is in the dead-letter topic, not the trail. */
        public static final String REJECTED = "rejected";
    }

    private final DataSource dataSource;

    public IngestRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Creates the monthly partition of this ingest time. Asked on every batch rather than remembered, so a partition
     * dropped by retention (here or on another instance) is recreated instead of failing the batch.
     */
    public void ensurePartition(Instant ingestedAt) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("select audit_event_ensure_partition(?)")) {
            s.setDate(1, java.sql.Date.valueOf(YearMonth.from(ingestedAt.atOffset(ZoneOffset.UTC)).atDay(1)));
            s.execute();
        }
    }

    /**
     * Inserts the events not stored yet, in one statement; returns the ids that were new. An id is new when the id
     * registry does not hold it yet; of an id twice in the batch, the first copy is kept. {@code unverified}: why an
     * event's origin is not proven (enrolment.mode=record), by event id; stored on the event.
     */
    public Set<String> insertNew(List<IncomingEvent> events, Map<String, String> unverified, Instant ingestedAt) throws SQLException {
        int n = events.size();
        String[] ids = new String[n];
        String[] machines = new String[n];
        String[] types = new String[n];
        String[] times = new String[n];
        String[] payloads = new String[n];
        String[] unproven = new String[n];
        for (int i = 0; i < n; i++) {
            IncomingEvent e = events.get(i);
            ids[i] = e.eventId();
            machines[i] = e.machineId();
            types[i] = e.eventType();
            times[i] = e.occurredAt().toString();
            payloads[i] = e.payload();
            unproven[i] = unverified.get(e.eventId());
        }
        Set<String> inserted = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                with batch as (
                    select * from unnest(?, ?, ?, ?, ?, ?) with ordinality as t(id, machine, type, at, payload, unverified, n)
                ), fresh as (
                    insert into audit_event_id (event_id, ingested_at) select distinct id, cast(? as timestamptz) from batch
                    on conflict do nothing
                    returning event_id
                )
                insert into audit_event (event_id, machine_id, event_type, occurred_at, payload, unverified, ingested_at)
                select distinct on (b.id) b.id, b.machine, b.type, cast(b.at as timestamptz), cast(b.payload as jsonb), b.unverified,
                    cast(? as timestamptz)
                from batch b join fresh f on f.event_id = b.id
                order by b.id, b.n
                returning event_id""")) {
            s.setArray(1, c.createArrayOf("text", ids));
            s.setArray(2, c.createArrayOf("text", machines));
            s.setArray(3, c.createArrayOf("text", types));
            s.setArray(4, c.createArrayOf("text", times));
            s.setArray(5, c.createArrayOf("text", payloads));
            s.setArray(6, c.createArrayOf("text", unproven));
            s.setTimestamp(7, Timestamp.from(ingestedAt));
            s.setTimestamp(8, Timestamp.from(ingestedAt));
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    inserted.add(rows.getString(1));
                }
            }
        }
        return inserted;
    }

    /** The chain heads of these machines, locked until the transaction ends (one writer per machine at a time). */
    public Map<String, AuditChain.Head> lockChainHeads(Collection<String> machineIds) throws SQLException {
        Map<String, AuditChain.Head> heads = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select machine_id, last_seq, last_hash from machine_chain where machine_id = any(?) order by machine_id for update")) {
            s.setArray(1, c.createArrayOf("text", machineIds.toArray(String[]::new)));
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    heads.put(rows.getString(1), new AuditChain.Head(rows.getLong(2), rows.getString(3)));
                }
            }
        }
        return heads;
    }

    public void saveChainHeads(Map<String, AuditChain.Head> heads, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into machine_chain (machine_id, last_seq, last_hash, updated_at) values (?, ?, ?, ?)
                on conflict (machine_id) do update set last_seq = excluded.last_seq, last_hash = excluded.last_hash,
                    updated_at = excluded.updated_at""")) {
            for (Map.Entry<String, AuditChain.Head> head : heads.entrySet()) {
                s.setString(1, head.getKey());
                s.setLong(2, head.getValue().seq());
                s.setString(3, head.getValue().hash());
                s.setTimestamp(4, Timestamp.from(at));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public void recordFindings(List<Finding> findings, Instant at) throws SQLException {
        if (findings.isEmpty()) {
            return;
        }
        int n = findings.size();
        String[] machines = new String[n];
        String[] events = new String[n];
        Long[] seqs = new Long[n];
        String[] kinds = new String[n];
        String[] problems = new String[n];
        for (int i = 0; i < n; i++) {
            Finding f = findings.get(i);
            machines[i] = f.machineId();
            events[i] = f.eventId();
            seqs[i] = f.seq();
            kinds[i] = f.kind();
            problems[i] = f.problem();
        }
        // one statement for the whole batch (under record mode every unsigned event has one): a batch of single-row
        // inserts made PostgreSQL parse and plan each row
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into integrity_finding (machine_id, event_id, seq, kind, problem, detected_at)
                select machine, event, seq, kind, problem, ? from unnest(?, ?, ?, ?, ?) as t(machine, event, seq, kind, problem)""")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setArray(2, c.createArrayOf("text", machines));
            s.setArray(3, c.createArrayOf("text", events));
            s.setArray(4, c.createArrayOf("bigint", seqs));
            s.setArray(5, c.createArrayOf("text", kinds));
            s.setArray(6, c.createArrayOf("text", problems));
            s.executeUpdate();
        }
    }
}
