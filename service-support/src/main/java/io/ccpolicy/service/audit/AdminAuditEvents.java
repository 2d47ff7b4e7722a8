package io.ccpolicy.service.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.AuditChain;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records an administrative change as an audit event in the transaction of the change (a transactional outbox, relayed
 * to audit.events.v1 by {@link AdminAuditRelay}): the change and its record commit together or not at all. Events are
 * sealed into the service's own hash chain ({@code machine.id} = {@code service:<application name>}), so audit-ingest
 * verifies them like any machine's. A service enables this with {@code ccpolicy.admin-audit.enabled=true} and a
 * migration creating {@code admin_audit_outbox} and {@code admin_audit_chain}.
 */
@ApplicationScoped
@IfBuildProperty(name = "ccpolicy.admin-audit.enabled", stringValue = "true")
public class AdminAuditEvents {

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final Clock clock;
    private final String source;

    public AdminAuditEvents(DataSource dataSource, ObjectMapper json, Clock clock,
            @ConfigProperty(name = "quarkus.application.name") String application) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
        this.source = "service:" + application;
    }

    public String source() {
        return source;
    }

    /** Must run inside the transaction that makes the change. */
    public void record(String actor, String change, Map<String, Object> detail) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "insert into admin_audit_chain (source, last_seq, last_hash) values (?, 0, ?) on conflict do nothing")) {
                s.setString(1, source);
                s.setString(2, AuditChain.GENESIS);
                s.executeUpdate();
            }
            AuditChain.Head head;
            try (PreparedStatement s = c.prepareStatement("select last_seq, last_hash from admin_audit_chain where source = ? for update")) {
                s.setString(1, source);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    head = new AuditChain.Head(r.getLong(1), r.getString(2));
                }
            }
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("version", "1.0");
            event.put("timestamp", clock.instant().toString());
            event.put("eventId", "evt_" + UUID.randomUUID());
            event.put("eventType", "AdminChange");
            event.put("user", Map.of("email", actor));
            event.put("machine", Map.of("id", source));
            event.put("action", Map.of("type", "policy_change", "tool", change, "result", "recorded"));
            event.put("change", detail);
            Map<String, Object> sealed = AuditChain.seal(event, head);
            AuditChain.Head next = AuditChain.headOf(sealed);
            try (PreparedStatement s = c.prepareStatement("update admin_audit_chain set last_seq = ?, last_hash = ? where source = ?")) {
                s.setLong(1, next.seq());
                s.setString(2, next.hash());
                s.setString(3, source);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "insert into admin_audit_outbox (event_id, payload, created_at) values (?, ?, ?)")) {
                s.setString(1, (String) sealed.get("eventId"));
                s.setString(2, json.writeValueAsString(sealed));
                s.setTimestamp(3, Timestamp.from(clock.instant()));
                s.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the audit record of this change could not be written, so the change is not made: " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit event of plain values is always JSON", e);
        }
    }
}
