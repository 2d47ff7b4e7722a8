package io.ccpolicy.service.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Producer settings for records that must not be lost or duplicated: idempotent, acknowledged by all replicas, bounded waits. */
public final class ReliableProducer {

    private ReliableProducer() {
    }

    /** {@code kafka} (the service's {@code kafka.*} settings, security included) plus the reliability settings. */
    public static Map<String, Object> properties(Map<String, Object> kafka) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }

    /** A send Kafka will never accept however often it is tried: the record is too large or invalid. */
    public static boolean neverAccepted(Throwable cause) {
        return cause instanceof org.apache.kafka.common.errors.RecordTooLargeException
                || cause instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException
                || cause instanceof org.apache.kafka.common.InvalidRecordException
                || cause instanceof org.apache.kafka.common.errors.SerializationException;
    }
}
