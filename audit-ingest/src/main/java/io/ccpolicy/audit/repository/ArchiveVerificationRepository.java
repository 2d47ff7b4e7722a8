package io.ccpolicy.audit.repository;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** Verification results per sealed hour, and the sweep's cursor. Runs in the caller's transaction. */
@ApplicationScoped
public class ArchiveVerificationRepository {

    /** Where the sweep stands; {@code hour} is null before its first hour, {@code heads} is JSON. */
    public record Cursor(Instant hour, String manifestSha256, String heads, Instant sweepStartedAt) {
    }

    /** One hour's result; {@code findings} is a JSON array of {where, problem}. */
    public record HourResult(Instant hour, Instant verifiedAt, int objects, long events, String findings) {
    }

    private final DataSource dataSource;

    public ArchiveVerificationRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The cursor, created at the archive's start when there is none. With {@code lock}, held until the transaction ends. */
    public Cursor cursor(Instant now, boolean lock) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    insert into archive_verification_cursor (id, hour, manifest_sha256, heads, sweep_started_at)
                    values (1, null, null, '{}', ?) on conflict do nothing""")) {
                s.setTimestamp(1, Timestamp.from(now));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("select hour, manifest_sha256, heads::text, sweep_started_at "
                    + "from archive_verification_cursor where id = 1" + (lock ? " for update" : ""));
                    ResultSet r = s.executeQuery()) {
                r.next();
                return new Cursor(instant(r.getTimestamp(1)), r.getString(2), r.getString(3), r.getTimestamp(4).toInstant());
            }
        }
    }

    public void moveCursor(Cursor cursor) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                update archive_verification_cursor set hour = ?, manifest_sha256 = ?, heads = ?::jsonb, sweep_started_at = ? where id = 1""")) {
            s.setTimestamp(1, cursor.hour() == null ? null : Timestamp.from(cursor.hour()));
            s.setString(2, cursor.manifestSha256());
            s.setString(3, cursor.heads());
            s.setTimestamp(4, Timestamp.from(cursor.sweepStartedAt()));
            s.executeUpdate();
        }
    }

    /** The first sealed hour after {@code after} (the archive's first sealed hour when null). */
    public Optional<Instant> sealedHourAfter(Instant after) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select min(hour) from archive_hour where sealed and (?::timestamptz is null or hour > ?::timestamptz)")) {
            Timestamp t = after == null ? null : Timestamp.from(after);
            s.setTimestamp(1, t);
            s.setTimestamp(2, t);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.ofNullable(instant(r.getTimestamp(1))) : Optional.empty();
            }
        }
    }

    public void record(HourResult result) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into archive_verification (hour, verified_at, objects, events, findings) values (?, ?, ?, ?, ?::jsonb)
                on conflict (hour) do update set verified_at = excluded.verified_at, objects = excluded.objects,
                    events = excluded.events, findings = excluded.findings""")) {
            s.setTimestamp(1, Timestamp.from(result.hour()));
            s.setTimestamp(2, Timestamp.from(result.verifiedAt()));
            s.setInt(3, result.objects());
            s.setLong(4, result.events());
            s.setString(5, result.findings());
            s.executeUpdate();
        }
    }

    /** The results for the hours in [from, to], in hour order. */
    public List<HourResult> results(Instant from, Instant to) throws SQLException {
        List<HourResult> results = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                select hour, verified_at, objects, events, findings::text from archive_verification
                where hour >= ? and hour <= ? order by hour""")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    results.add(new HourResult(r.getTimestamp(1).toInstant(), r.getTimestamp(2).toInstant(), r.getInt(3), r.getLong(4),
                            r.getString(5)));
                }
            }
        }
        return results;
    }

    /** The sealed hours in [from, to]. */
    public long sealedHours(Instant from, Instant to) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select count(*) from archive_hour where sealed and hour >= ? and hour <= ?")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** The stored payloads (JSON text) of these events, among the events ingested in [from, to). */
    /** Which of {@code eventIds} were cleared as demo data (their rows removed on purpose). */
    public java.util.Set<String> clearedDemoEvents(java.util.Collection<String> eventIds) throws SQLException {
        java.util.Set<String> cleared = new java.util.HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select event_id from cleared_demo_event where event_id = any(?)")) {
            s.setArray(1, c.createArrayOf("text", eventIds.toArray(String[]::new)));
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    cleared.add(rows.getString(1));
                }
            }
        }
        return cleared;
    }

    public java.util.Map<String, String> payloadsIngested(Instant from, Instant to, java.util.Collection<String> eventIds) throws SQLException {
        java.util.Map<String, String> payloads = new java.util.HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select event_id, payload::text from audit_event where ingested_at >= ? and ingested_at < ? and event_id = any(?)")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            s.setArray(3, c.createArrayOf("text", eventIds.toArray(String[]::new)));
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    payloads.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return payloads;
    }

    /** The ids of the events ingested in [from, to). */
    public List<String> idsIngested(Instant from, Instant to) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select event_id from audit_event where ingested_at >= ? and ingested_at < ? order by event_id")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            s.setFetchSize(10_000);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    /** How many events were ingested in [from, to). */
    public long countIngested(Instant from, Instant to) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select count(*) from audit_event where ingested_at >= ? and ingested_at < ?")) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
