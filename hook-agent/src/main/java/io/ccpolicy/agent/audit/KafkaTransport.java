package io.ccpolicy.agent.audit;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.policy.DeveloperJwtRetriever;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Ships to Kafka with an idempotent producer ({@code acks=all}, key = machine id), as agent.yaml's {@code audit.kafka} says. */
final class KafkaTransport implements AuditTransport {

    /** Below Kafka's default max.request.size (1 MB) with room for the record's framing. */
    static final int MAX_RECORD_BYTES = 900 * 1024;

    private final Properties properties;
    private final String topic;
    private final String machineId;
    /** Made when first needed: a laptop starting offline cannot resolve the brokers yet. */
    private KafkaProducer<String, String> producer;
    private volatile long lastOffset = -1;

    KafkaTransport(AgentConfig agent, Path stateDir) {
        Properties props = new Properties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
        if ("OAUTHBEARER".equals(agent.shipping().kafka().get("sasl.mechanism")) && !agent.shipping().kafka().containsKey("sasl.jaas.config")
                && agent.server().enabled()) {
            props.putAll(DeveloperJwtRetriever.producerProperties(stateDir, agent.server().tokenUrl(), agent.server().signInClient()));
        }
        props.putAll(agent.shipping().kafka());
        this.properties = props;
        this.topic = agent.shipping().topic();
        this.machineId = agent.machineId();
    }

    @Override
    public List<String> send(List<String> lines) throws Exception {
        if (producer == null) {
            producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.getBytes(StandardCharsets.UTF_8).length > MAX_RECORD_BYTES) {
                acks.add(null);
                continue;
            }
            Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, machineId, line));
            if (ack.isDone() && refusal(ack) == null) {
                ack.get(); // a send that failed at once (no metadata: Kafka unreachable) fails the batch now, not after every record
            }
            acks.add(ack);
        }
        producer.flush();
        List<String> outcome = new ArrayList<>(lines.size());
        for (Future<RecordMetadata> ack : acks) {
            String refused = ack == null ? "larger than a Kafka record may be (" + MAX_RECORD_BYTES + " bytes)" : refusal(ack);
            if (refused != null) {
                outcome.add(ack == null ? refused : "Kafka refused it: " + refused);
            } else {
                lastOffset = ack.get().offset();
                outcome.add(null);
            }
        }
        return outcome;
    }

    /** Why Kafka will never take this record, however often it is sent; null when it took it or may yet. */
    private static String refusal(Future<RecordMetadata> ack) {
        if (!ack.isDone()) {
            return null;
        }
        try {
            ack.get();
            return null;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            boolean never = cause instanceof org.apache.kafka.common.errors.RecordTooLargeException
                    || cause instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException
                    || cause instanceof org.apache.kafka.common.InvalidRecordException
                    || cause instanceof org.apache.kafka.common.errors.SerializationException;
            return never ? cause.getClass().getSimpleName() + ": " + cause.getMessage() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    long lastOffset() {
        return lastOffset;
    }

    @Override
    public String destination() {
        return "Kafka topic " + topic;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
