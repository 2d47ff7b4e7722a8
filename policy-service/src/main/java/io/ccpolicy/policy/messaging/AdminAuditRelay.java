package io.ccpolicy.policy.messaging;

import io.ccpolicy.policy.entity.AdminAuditOutboxEntity;
import io.ccpolicy.policy.service.AdminAuditEvents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
public class AdminAuditRelay {

    private static final Logger LOG = Logger.getLogger(AdminAuditRelay.class);

    private final EntityManager em;
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final Clock clock;

    public AdminAuditRelay(EntityManager em, @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "policy-service.audit-topic", defaultValue = "audit.events.v1") String topic, Clock clock) {
        this.em = em;
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.clock = clock;
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
        List<AdminAuditOutboxEntity> pending = em.createQuery(
                "from AdminAuditOutboxEntity o where o.sentAt is null order by o.id", AdminAuditOutboxEntity.class)
                .setMaxResults(500).getResultList();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (AdminAuditOutboxEntity row : pending) {
            acks.add(producer.send(new ProducerRecord<>(topic, AdminAuditEvents.SOURCE, row.payload)));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(15, TimeUnit.SECONDS);
        }
        pending.forEach(row -> row.sentAt = clock.instant());
        return pending.size();
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
