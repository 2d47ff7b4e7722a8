package io.ccpolicy.report.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.report.rest.dto.Overview;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Violations as they are decided on developer machines, for open dashboards: every instance reads audit.events.v1 from
 * the newest offset in a group of its own (each instance must see every event; nothing is stored, so nothing is
 * committed that matters) and broadcasts the events where a policy matched and was not exempted. A record it cannot
 * read is counted ({@code report_live_unreadable_total}) and passed over, so no record can stop the feed. It is not
 * dead-lettered here: audit-ingest, which stores the trail, dead-letters the same record, and every dashboard instance
 * would otherwise add its own copy.
 */
@ApplicationScoped
public class LiveViolations {

    private static final Logger LOG = Logger.getLogger(LiveViolations.class);

    private final Map<String, Object> kafka;
    private final String topic;
    private final ObjectMapper json;
    private final BroadcastProcessor<Overview.Violation> broadcast = BroadcastProcessor.create();
    private final Counter unreadable;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean running;
    private Thread thread;

    public LiveViolations(@Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "report-service.live.topic", defaultValue = AuditEvent.TOPIC) String topic, ObjectMapper json,
            MeterRegistry metrics) {
        this.kafka = kafka;
        this.topic = topic;
        this.json = json;
        this.unreadable = Counter.builder("report.live.unreadable")
                .description("records of the audit topic the live feed could not read and passed over").register(metrics);
    }

    public Multi<Overview.Violation> stream() {
        return broadcast;
    }

    void start(@Observes StartupEvent started) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "report-service-live-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        running = true;
        thread = new Thread(() -> run(props), "live-violations");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(5_000);
        }
    }

    private void run(Map<String, Object> props) {
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                consumer = c;
                c.subscribe(List.of(topic));
                while (running) {
                    for (ConsumerRecord<String, String> record : c.poll(Duration.ofMillis(500))) {
                        violation(record).ifPresent(broadcast::onNext);
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf("live violations paused, Kafka not reachable: %s", e.getMessage());
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** Empty for a record that is not a violation, or not an audit event (this feed only shows; it never judges). */
    private Optional<Overview.Violation> violation(ConsumerRecord<String, String> record) {
        try {
            return Overview.Violation.of(AuditEvent.fromMap(json.readValue(record.value(), Map.class)));
        } catch (Exception e) {
            unreadable.increment();
            LOG.warnf("live feed passed over %s-%d@%d, not an audit event: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Optional.empty();
        }
    }
}
