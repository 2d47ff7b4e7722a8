package io.ccpolicy.audit.repository;

import io.ccpolicy.audit.service.IncomingEvent;
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

    /** A chain break found on ingest. */
    public record Finding(String machineId, String eventId, Long seq, String problem) {
    }

    private final DataSource dataSource;

    public IngestRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Creates the monthly partitions these events need. Asked on every batch rather than remembered, so a partition
     * dropped by retention (here or on another instance) is recreated for a late event instead of failing the batch.
     */
    public void ensurePartitions(Collection<IncomingEvent> events) throws SQLException {
        Object[] months = events.stream().map(e -> YearMonth.from(e.occurredAt().atOffset(ZoneOffset.UTC)).atDay(1)).distinct()
                .map(java.sql.Date::valueOf).toArray();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select audit_event_ensure_partition(m) from unnest(?) as t(m)")) {
            s.setArray(1, c.createArrayOf("date", months));
            s.execute();
        }
    }

    /** Inserts the events not stored yet, in one statement; returns the ids that were new. */
    public Set<String> insertNew(List<IncomingEvent> events, Instant ingestedAt) throws SQLException {
        int n = events.size();
        String[] ids = new String[n];
        String[] machines = new String[n];
        String[] types = new String[n];
        String[] times = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            IncomingEvent e = events.get(i);
            ids[i] = e.eventId();
            machines[i] = e.machineId();
            types[i] = e.eventType();
            times[i] = e.occurredAt().toString();
            payloads[i] = e.payload();
        }
        Set<String> inserted = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into audit_event (event_id, machine_id, event_type, occurred_at, payload, ingested_at)
                select id, machine, type, cast(at as timestamptz), cast(payload as jsonb), ?
                from unnest(?, ?, ?, ?, ?) as t(id, machine, type, at, payload)
                on conflict do nothing
                returning event_id""")) {
            s.setTimestamp(1, Timestamp.from(ingestedAt));
            s.setArray(2, c.createArrayOf("text", ids));
            s.setArray(3, c.createArrayOf("text", machines));
            s.setArray(4, c.createArrayOf("text", types));
            s.setArray(5, c.createArrayOf("text", times));
            s.setArray(6, c.createArrayOf("text", payloads));
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
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "insert into integrity_finding (machine_id, event_id, seq, problem, detected_at) values (?, ?, ?, ?, ?)")) {
            for (Finding f : findings) {
                s.setString(1, f.machineId());
                s.setString(2, f.eventId());
                s.setObject(3, f.seq());
                s.setString(4, f.problem());
                s.setTimestamp(5, Timestamp.from(at));
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
