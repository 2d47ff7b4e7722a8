package io.ccpolicy.audit.repository;

import io.ccpolicy.engine.audit.ArchiveManifest;
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

/**
 * Which archive objects each hour holds, and which hours are sealed. Batches take a shared lock on their hour's row and
 * the sealer an exclusive one, so no object joins an hour after its manifest was written. Runs in the caller's transaction.
 */
@ApplicationScoped
public class ArchiveRepository {

    /** A sealed hour: the link the next manifest carries. */
    public record SealedHour(Instant hour, String manifestSha256) {
    }

    private final DataSource dataSource;

    public ArchiveRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Registers the hour and locks it for writing objects; false when it is already sealed. */
    public boolean lockHourForWriting(Instant hour) throws SQLException {
        return lockUnsealed(hour, "for share");
    }

    /** Locks the hour against writers; false when it is already sealed (another instance was first). */
    public boolean lockHourForSealing(Instant hour) throws SQLException {
        return lockUnsealed(hour, "for update");
    }

    private boolean lockUnsealed(Instant hour, String lock) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            insertHour(c, hour);
            try (PreparedStatement s = c.prepareStatement("select sealed from archive_hour where hour = ? " + lock)) {
                s.setTimestamp(1, Timestamp.from(hour));
                try (ResultSet row = s.executeQuery()) {
                    return row.next() && !row.getBoolean(1);
                }
            }
        }
    }

    private static void insertHour(Connection c, Instant hour) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into archive_hour (hour, sealed) values (?, false) on conflict do nothing")) {
            s.setTimestamp(1, Timestamp.from(hour));
            s.executeUpdate();
        }
    }

    public void recordObjects(Instant hour, List<ArchiveManifest.Entry> objects, Instant at) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into archive_object (object_key, hour, topic, partition, first_offset, last_offset, events, bytes, sha256, written_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (ArchiveManifest.Entry o : objects) {
                s.setString(1, o.key());
                s.setTimestamp(2, Timestamp.from(hour));
                s.setString(3, o.topic());
                s.setInt(4, o.partition());
                s.setLong(5, o.firstOffset());
                s.setLong(6, o.lastOffset());
                s.setInt(7, o.events());
                s.setLong(8, o.bytes());
                s.setString(9, o.sha256());
                s.setTimestamp(10, Timestamp.from(at));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public Optional<SealedHour> lastSealed() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select hour, manifest_sha256 from archive_hour where sealed order by hour desc limit 1");
                ResultSet row = s.executeQuery()) {
            return row.next() ? Optional.of(new SealedHour(row.getTimestamp(1).toInstant(), row.getString(2))) : Optional.empty();
        }
    }

    /** The first hour the archive ever received objects for, if any. */
    public Optional<Instant> firstHour() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("select min(hour) from archive_hour");
                ResultSet row = s.executeQuery()) {
            return row.next() && row.getTimestamp(1) != null ? Optional.of(row.getTimestamp(1).toInstant()) : Optional.empty();
        }
    }

    public List<ArchiveManifest.Entry> objectsOf(Instant hour) throws SQLException {
        List<ArchiveManifest.Entry> objects = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                select object_key, topic, partition, first_offset, last_offset, events, bytes, sha256
                from archive_object where hour = ? order by object_key""")) {
            s.setTimestamp(1, Timestamp.from(hour));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    objects.add(new ArchiveManifest.Entry(r.getString(1), r.getString(2), r.getInt(3), r.getLong(4), r.getLong(5),
                            r.getInt(6), r.getLong(7), r.getString(8)));
                }
            }
        }
        return objects;
    }

    public void markSealed(Instant hour, String manifestKey, String manifestSha256, List<ArchiveManifest.Entry> objects, Instant at)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                update archive_hour set sealed = true, manifest_key = ?, manifest_sha256 = ?, objects = ?, events = ?, sealed_at = ?
                where hour = ?""")) {
            s.setString(1, manifestKey);
            s.setString(2, manifestSha256);
            s.setInt(3, objects.size());
            s.setLong(4, objects.stream().mapToLong(ArchiveManifest.Entry::events).sum());
            s.setTimestamp(5, Timestamp.from(at));
            s.setTimestamp(6, Timestamp.from(hour));
            s.executeUpdate();
        }
    }
}
