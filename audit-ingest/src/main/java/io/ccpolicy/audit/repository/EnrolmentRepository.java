package io.ccpolicy.audit.repository;

import io.ccpolicy.engine.audit.EnrolmentChange;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/** The machines' enrolments as policy-service published them (newest change wins). Runs in the caller's transaction. */
@ApplicationScoped
public class EnrolmentRepository {

    private final DataSource dataSource;

    public EnrolmentRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores the change unless a newer one is stored; true when stored. */
    public boolean storeIfNewer(EnrolmentChange change) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into machine_enrolment (machine_id, email, public_key, key_id, changed_at, revoked_at, revoked_by)
                values (?, ?, ?, ?, ?, ?, ?)
                on conflict (machine_id) do update set email = excluded.email, public_key = excluded.public_key, key_id = excluded.key_id,
                    changed_at = excluded.changed_at, revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by
                where machine_enrolment.changed_at < excluded.changed_at""")) {
            s.setString(1, change.machineId());
            s.setString(2, change.email());
            s.setString(3, change.publicKey());
            s.setString(4, change.keyId());
            s.setTimestamp(5, Timestamp.from(change.changedAt()));
            s.setTimestamp(6, change.revokedAt() == null ? null : Timestamp.from(change.revokedAt()));
            s.setString(7, change.revokedBy());
            return s.executeUpdate() == 1;
        }
    }

    /** The enrolments of these machines (absent: never enrolled). */
    public Map<String, EnrolmentChange> of(Collection<String> machineIds) throws SQLException {
        Map<String, EnrolmentChange> found = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select machine_id, email, public_key, key_id, changed_at, revoked_at, revoked_by from machine_enrolment where machine_id = any(?)")) {
            s.setArray(1, c.createArrayOf("text", machineIds.toArray(String[]::new)));
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    Timestamp revoked = rows.getTimestamp(6);
                    found.put(rows.getString(1), new EnrolmentChange(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getTimestamp(5).toInstant(), revoked == null ? null : revoked.toInstant(), rows.getString(7)));
                }
            }
        }
        return found;
    }
}
