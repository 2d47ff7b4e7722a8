package io.ccpolicy.service.audit;

import io.ccpolicy.service.config.ReliableProducer;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Relays the outbox of administrative audit events to audit.events.v1 in order, marking each sent only after Kafka
 * acknowledged it. While Kafka is away the events wait in the database; a resend after a crash is harmless (audit-ingest
 * stores by eventId).
 */
@ApplicationScoped
@IfBuildProperty(name = "ccpolicy.admin-audit.enabled", stringValue = "true")
public class AdminAuditRelay {

    private static final Logger LOG = Logger.getLogger(AdminAuditRelay.class);

    private final DataSource dataSource;
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final String source;

    public AdminAuditRelay(DataSource dataSource, @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "ccpolicy.admin-audit.topic", defaultValue = "audit.events.v1") String topic, AdminAuditEvents events) {
        this.dataSource = dataSource;
        this.producer = new KafkaProducer<>(ReliableProducer.properties(kafka), new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.source = events.source();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relay() {
        try {
            while (QuarkusTransaction.requiringNew().call(this::relayBatch) > 0) {
                // keep going while there is a backlog
            }
        } catch (Exception e) {
            LOG.warnf("administrative audit events wait in the outbox, Kafka not reachable: %s", e.getMessage());
        }
    }

    private int relayBatch() throws Exception {
        List<Long> ids = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(
                    "select id, payload from admin_audit_outbox where sent_at is null order by id limit 500 for update skip locked");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getLong(1));
                    acks.add(producer.send(new ProducerRecord<>(topic, source, r.getString(2))));
                }
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
            if (!ids.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("update admin_audit_outbox set sent_at = now() where id = any(?)")) {
                    s.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    s.executeUpdate();
                }
            }
        }
        return ids.size();
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
