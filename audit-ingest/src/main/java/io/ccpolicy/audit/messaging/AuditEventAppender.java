package io.ccpolicy.audit.messaging;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.audit.service.AuditBatch;
import io.ccpolicy.service.kafka.ReliableProducer;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Appends events an agent posted over HTTPS to audit.events.v1, keyed by machine id like the agent's own producer, so
 * they meet the consumer's checks and idempotency exactly as directly produced events do. Returns only once Kafka has
 * acknowledged every record (acks=all): the agent advances its spool on that answer.
 */
@ApplicationScoped
public class AuditEventAppender {

    /** A batch Kafka did not take in time: nothing of it may be counted as accepted, the agent sends it again. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<String, String> producer;
    private final String topic;

    public AuditEventAppender(@Identifier("default-kafka-broker") Map<String, Object> kafka, AuditIngestConfig config) {
        this.producer = new KafkaProducer<>(ReliableProducer.properties(kafka), new StringSerializer(), new StringSerializer());
        this.topic = config.consumer().topic();
    }

    /** Appends every event; the lines Kafka will never take (too large, invalid) come back as refusals. */
    public List<AuditBatch.Refusal> append(List<AuditBatch.Event> events) throws Unavailable, InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(events.size());
        try {
            for (AuditBatch.Event event : events) {
                acks.add(producer.send(new ProducerRecord<>(topic, event.machineId(), event.json())));
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new Unavailable("Kafka did not take the batch: " + e.getMessage(), e);
        }
        List<AuditBatch.Refusal> refused = new ArrayList<>();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!ReliableProducer.neverAccepted(e.getCause())) {
                    throw new Unavailable("Kafka did not acknowledge the batch: " + e.getCause().getMessage(), e.getCause());
                }
                refused.add(new AuditBatch.Refusal(events.get(i).line(), "Kafka refused it: " + e.getCause().getMessage()));
            } catch (TimeoutException e) {
                throw new Unavailable("Kafka did not acknowledge the batch within 30 s", e);
            }
        }
        return refused;
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
