package io.ccpolicy.report.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.report.rest.dto.Overview;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Violations as they are decided on developer machines, for open dashboards: the {@code live-violations} channel reads
 * audit.events.v1 from the newest offset in a group of this instance's own (application.properties), and the events
 * where a policy matched and was not exempted are broadcast to every open feed. A record it cannot read is counted
 * ({@code report_live_unreadable_total}) and passed over, so no record can stop the feed. It is not dead-lettered here:
 * audit-ingest, which stores the trail, dead-letters the same record, and every dashboard instance would otherwise add
 * its own copy.
 */
@ApplicationScoped
public class LiveViolations {

    private static final Logger LOG = Logger.getLogger(LiveViolations.class);

    private final ObjectMapper json;
    private final BroadcastProcessor<Overview.Violation> broadcast = BroadcastProcessor.create();
    private final Counter unreadable;

    public LiveViolations(ObjectMapper json, MeterRegistry metrics) {
        this.json = json;
        this.unreadable = Counter.builder("report.live.unreadable")
                .description("records of the audit topic the live feed could not read and passed over").register(metrics);
    }

    public Multi<Overview.Violation> stream() {
        return broadcast;
    }

    @Incoming("live-violations")
    void received(ConsumerRecord<String, String> record) {
        violation(record).ifPresent(broadcast::onNext);
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
