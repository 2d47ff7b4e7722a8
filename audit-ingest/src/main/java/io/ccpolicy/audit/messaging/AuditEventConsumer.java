package io.ccpolicy.audit.messaging;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.audit.service.BatchIngestor;
import io.ccpolicy.service.kafka.RecordFaults;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Consumes audit.events.v1 in batches, on {@code consumer.threads} dedicated threads (each its own group member with its
 * own partitions, so PostgreSQL work of one overlaps the parsing and archiving of another). A batch is stored by {@link BatchIngestor} in one
 * transaction; only then are its offsets committed. When the batch fails (PostgreSQL, S3 or the dead-letter topic away)
 * the consumer seeks back to the batch's first offsets and retries with exponential backoff: nothing is skipped, and
 * the retry is harmless because storing is idempotent. A plain consumer rather than a reactive-messaging channel,
 * because per-batch transactions and seek-back-and-retry are exactly what the channel's failure strategies do not offer.
 */
@ApplicationScoped
public class AuditEventConsumer {

    private static final Logger LOG = Logger.getLogger(AuditEventConsumer.class);

    private final Map<String, Object> kafka;
    private final AuditIngestConfig.Consumer config;
    private final BatchIngestor ingestor;
    private final IngestStatus status;
    private final Clock clock;
    private final Object pause = new Object();
    private final List<KafkaConsumer<String, String>> consumers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Object> batchFetch;
    private volatile boolean running;

    public AuditEventConsumer(@Identifier("default-kafka-broker") Map<String, Object> kafka, AuditIngestConfig config,
            BatchIngestor ingestor, IngestStatus status, Clock clock) {
        this.kafka = kafka;
        this.config = config.consumer();
        this.batchFetch = batchFetch(this.config.batchMinBytes(), this.config.batchLinger());
        this.ingestor = ingestor;
        this.status = status;
        this.clock = clock;
    }

    /** The longest {@code consumer.batch-linger}: well inside the Kafka client's request timeout (30 s by default). */
    static final Duration MAX_BATCH_LINGER = Duration.ofSeconds(10);

    /**
     * The fetch settings that make batches, checked at start: a linger past the client's request timeout would time out
     * every fetch and stall the trail with nothing but a warning, and Kafka refuses a negative one only inside the
     * consumer thread.
     */
    static Map<String, Object> batchFetch(int minBytes, Duration linger) {
        if (minBytes < 1) {
            throw new IllegalArgumentException("audit-ingest.consumer.batch-min-bytes is " + minBytes + "; it must be at least 1 (bytes)");
        }
        if (linger.isNegative() || linger.compareTo(MAX_BATCH_LINGER) > 0) {
            throw new IllegalArgumentException("audit-ingest.consumer.batch-linger is " + linger + "; it must be between 0 and "
                    + MAX_BATCH_LINGER.toSeconds() + "s (the longest a quiet trail's event waits for a batch)");
        }
        return Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, minBytes, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) linger.toMillis());
    }

    void start(@Observes StartupEvent started) {
        running = true;
        for (int i = 0; i < config.threads(); i++) {
            Thread thread = new Thread(this::run, "audit-ingest-consumer-" + i);
            threads.add(thread);
            thread.start();
        }
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        running = false;
        consumers.forEach(KafkaConsumer::wakeup);
        synchronized (pause) {
            pause.notifyAll();
        }
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30).toMillis());
        }
    }

    private void run() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxBatch());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        props.putAll(batchFetch);
        status.started();
        KafkaConsumer<String, String> consumer = null;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer = c;
            consumers.add(c);
            c.subscribe(List.of(config.topic()));
            Duration backoff = config.backoff();
            while (running) {
                ConsumerRecords<String, String> polled;
                try {
                    polled = c.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    status.failed("Kafka: " + e.getMessage());
                    LOG.warnf("polling %s failed, retrying in %s: %s", config.topic(), backoff, e.getMessage());
                    backoff = pauseThenGrow(backoff);
                    continue;
                }
                if (polled.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, String>> records = new ArrayList<>(polled.count());
                polled.forEach(records::add);
                try {
                    BatchIngestor.Result result = ingestor.ingest(records);
                    status.succeeded(result, clock.instant());
                    backoff = config.backoff();
                } catch (Exception e) {
                    if (records.size() > 1 && RecordFaults.inRecord(e)) {
                        // one record may be at fault: each is tried on its own, so one bad record cannot stop a partition
                        try {
                            recordByRecord(c, records);
                            backoff = config.backoff();
                            continue;
                        } catch (Exception again) {
                            e = again;
                        }
                    } else if (records.size() == 1 && RecordFaults.inRecord(e)) {
                        try {
                            deadLetter(records.get(0), e);
                            commit(c, polled);
                            continue;
                        } catch (Exception again) {
                            e = again;
                        }
                    }
                    String why = rootMessage(e);
                    status.failed(why);
                    LOG.warnf("batch of %d record(s) not stored, offsets stay; retrying in %s: %s", records.size(), backoff, why);
                    rewind(c, polled);
                    backoff = pauseThenGrow(backoff);
                    continue;
                }
                commit(c, polled);
            }
        } catch (RuntimeException e) {
            LOG.error("audit-ingest consumer stopped", e);
            status.failed("consumer stopped: " + rootMessage(e));
        } finally {
            consumers.remove(consumer);
            status.stopped();
        }
    }

    /**
     * Each record in its own transaction, its offset committed as soon as it is stored or dead-lettered. A record that
     * fails on its own for a reason in its data goes to the dead-letter topic with that reason; a failure of the store
     * itself is thrown, and the caller retries from the first record not yet committed.
     */
    private void recordByRecord(KafkaConsumer<String, String> c, List<ConsumerRecord<String, String>> records) throws Exception {
        for (ConsumerRecord<String, String> record : records) {
            try {
                status.succeeded(ingestor.ingest(List.of(record)), clock.instant());
            } catch (Exception e) {
                if (!RecordFaults.inRecord(e)) {
                    throw e;
                }
                deadLetter(record, e);
            }
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            c.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
        }
    }

    private void deadLetter(ConsumerRecord<String, String> record, Exception e) throws Exception {
        String why = "the audit store refused it: " + rootMessage(e);
        ingestor.deadLetter(record, why);
        status.deadLettered(1);
        LOG.errorf("record %s-%d@%d moved to the dead-letter topic, its partition goes on: %s", record.topic(), record.partition(),
                record.offset(), why);
    }

    private void commit(KafkaConsumer<String, String> c, ConsumerRecords<String, String> polled) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition partition : polled.partitions()) {
            List<ConsumerRecord<String, String>> records = polled.records(partition);
            next.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        try {
            c.commitSync(next);
        } catch (WakeupException e) {
            running = false;
        } catch (KafkaException e) {
            // The batch is stored; a redelivery of it after a rebalance is recognised and stored nowhere twice.
            LOG.warnf("offset commit failed after the batch was stored: %s", e.getMessage());
        }
    }

    private static void rewind(KafkaConsumer<String, String> c, ConsumerRecords<String, String> polled) {
        for (TopicPartition partition : polled.partitions()) {
            try {
                c.seek(partition, polled.records(partition).get(0).offset());
            } catch (IllegalStateException revoked) {
                // No longer ours: its new owner starts from the last committed offset.
            }
        }
    }

    private Duration pauseThenGrow(Duration backoff) {
        synchronized (pause) {
            if (running) {
                try {
                    pause.wait(backoff.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + cause.getMessage() + ")";
    }
}
