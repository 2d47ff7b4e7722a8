package io.ccpolicy.service.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.audit.EventSignature;
import io.ccpolicy.service.keys.SigningKey;
import io.ccpolicy.service.outbox.Outbox;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records an administrative change as an audit event in the transaction of the change, through the {@link Outbox} to
 * audit.events.v1: the change and its record commit together or not at all. Events are sealed into the service's own
 * hash chain ({@code machine.id} = {@code service:<application name>}, also the Kafka key), so audit-ingest verifies
 * them like any machine's. A service enables this with {@code ccpolicy.outbox.enabled=true} and a migration creating
 * {@code outbox} and {@code admin_audit_chain}.
 */
@ApplicationScoped
@IfBuildProperty(name = "ccpolicy.outbox.enabled", stringValue = "true")
public class AdminAuditEvents {

    private final DataSource dataSource;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;
    private final String source;
    private final String topic;
    private final io.ccpolicy.engine.sign.Signer signer;

    /**
     * {@code ccpolicy.admin-audit.signing-key} (PEM text) or {@code -file}: the service's Ed25519 key its events are
     * signed with, so audit-ingest can tell them from events forged with Kafka credentials (its
     * {@code service-keys.<application>} holds the public half). Without one the events go unsigned, and audit-ingest
     * in enforce mode refuses them.
     */
    public AdminAuditEvents(DataSource dataSource, Outbox outbox, ObjectMapper json, Clock clock,
            @ConfigProperty(name = "quarkus.application.name") String application,
            @ConfigProperty(name = "ccpolicy.admin-audit.topic", defaultValue = AuditEvent.TOPIC) String topic,
            @ConfigProperty(name = "ccpolicy.admin-audit.signing-key") Optional<String> signingKey,
            @ConfigProperty(name = "ccpolicy.admin-audit.signing-key-file") Optional<Path> signingKeyFile,
            @ConfigProperty(name = "ccpolicy.admin-audit.generate-missing-key", defaultValue = "false") boolean generateMissingKey) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
        this.source = "service:" + application;
        this.topic = topic;
        this.signer = signingKey.isPresent() || signingKeyFile.isPresent()
                ? SigningKey.load("ccpolicy.admin-audit", signingKey, signingKeyFile, generateMissingKey).signer() : null;
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
            AuditEvent event = AuditEvent.of(clock.instant(), "evt_" + UUID.randomUUID(), "AdminChange", new AuditEvent.User(actor, null, null),
                    new AuditEvent.Machine(source, null, null), null, new AuditEvent.Action("policy_change", change, null, "recorded"), null,
                    null, null, Map.of()).withChange(detail);
            Map<String, Object> sealed = AuditChain.seal(event.toMap(), head);
            if (signer != null) {
                sealed = EventSignature.sign(sealed, signer);
            }
            AuditChain.Head next = AuditChain.headOf(sealed);
            try (PreparedStatement s = c.prepareStatement("update admin_audit_chain set last_seq = ?, last_hash = ? where source = ?")) {
                s.setLong(1, next.seq());
                s.setString(2, next.hash());
                s.setString(3, source);
                s.executeUpdate();
            }
            outbox.add(topic, source, (String) sealed.get("eventId"), json.writeValueAsString(sealed));
        } catch (SQLException e) {
            throw new IllegalStateException("the audit record of this change could not be written, so the change is not made: " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an audit event of plain values is always JSON", e);
        }
    }
}
