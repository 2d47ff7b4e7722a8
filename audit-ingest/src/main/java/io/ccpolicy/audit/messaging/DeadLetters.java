package io.ccpolicy.audit.messaging;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.service.kafka.ReliableProducer;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends records that cannot be stored to audit.events.dlq, unchanged, with the reason and their origin in headers. The
 * send is acknowledged before the batch commits, so a refused record is never just dropped.
 */
@ApplicationScoped
public class DeadLetters {

    /** A refused record and why. */
    public record DeadLetter(ConsumerRecord<String, String> record, String reason) {
    }

    private final KafkaProducer<String, String> producer;
    private final String topic;

    public DeadLetters(@Identifier("default-kafka-broker") Map<String, Object> kafka, AuditIngestConfig config) {
        this.producer = new KafkaProducer<>(ReliableProducer.properties(kafka), new StringSerializer(), new StringSerializer());
        this.topic = config.consumer().deadLetterTopic();
    }

    public void send(List<DeadLetter> letters) throws InterruptedException, ExecutionException, TimeoutException {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (DeadLetter letter : letters) {
            ConsumerRecord<String, String> r = letter.record();
            ProducerRecord<String, String> out = new ProducerRecord<>(topic, r.key(), r.value());
            out.headers().add("dead-letter-reason", letter.reason().getBytes(StandardCharsets.UTF_8));
            out.headers().add("dead-letter-topic", r.topic().getBytes(StandardCharsets.UTF_8));
            out.headers().add("dead-letter-partition", String.valueOf(r.partition()).getBytes(StandardCharsets.UTF_8));
            out.headers().add("dead-letter-offset", String.valueOf(r.offset()).getBytes(StandardCharsets.UTF_8));
            sent.add(producer.send(out));
        }
        for (Future<RecordMetadata> ack : sent) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
