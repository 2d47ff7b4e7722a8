package io.ccpolicy.service.outbox;

import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * A transactional outbox: a Kafka record written in the transaction of the change it reports, so the change and the
 * record commit together or not at all; {@link OutboxRelay} sends it once Kafka is reachable. A service enables this
 * with {@code ccpolicy.outbox.enabled=true} and a migration creating the {@code outbox} table.
 */
@ApplicationScoped
@IfBuildProperty(name = "ccpolicy.outbox.enabled", stringValue = "true")
public class Outbox {

    private final DataSource dataSource;
    private final Clock clock;

    public Outbox(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Must run inside the transaction that makes the change; {@code recordId} is unique, for consumers that deduplicate. */
    public void add(String topic, String key, String recordId, String payload) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "insert into outbox (topic, record_key, event_id, payload, created_at) values (?, ?, ?, ?, ?)")) {
            s.setString(1, topic);
            s.setString(2, key);
            s.setString(3, recordId);
            s.setString(4, payload);
            s.setTimestamp(5, Timestamp.from(clock.instant()));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the record of this change for " + topic + " could not be written, so the change is not made: "
                    + e.getMessage(), e);
        }
    }
}
