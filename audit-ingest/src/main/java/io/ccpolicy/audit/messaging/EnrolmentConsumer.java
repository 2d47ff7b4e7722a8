package io.ccpolicy.audit.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.repository.EnrolmentRepository;
import io.ccpolicy.engine.audit.EnrolmentChange;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the enrolment read model from policy-service's machine.enrolments.v1, one record at a time, in order; the
 * offset is committed after the write. While PostgreSQL is away the record is retried; a record that is not an
 * enrolment is thrown back, and the channel's dead-letter strategy sets it aside with the reason.
 */
@ApplicationScoped
public class EnrolmentConsumer {

    private static final Logger LOG = Logger.getLogger(EnrolmentConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final EnrolmentRepository enrolments;
    private final ObjectMapper json;

    public EnrolmentConsumer(EnrolmentRepository enrolments, ObjectMapper json) {
        this.enrolments = enrolments;
        this.json = json;
    }

    @Incoming("machine-enrolments")
    @Blocking
    public void consume(String record) throws InterruptedException {
        EnrolmentChange change;
        try {
            change = EnrolmentChange.fromMap(json.readValue(record, Map.class));
        } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("not an enrolment record: " + e.getMessage(), e);
        }
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                QuarkusTransaction.requiringNew().call(() -> enrolments.storeIfNewer(change));
                return;
            } catch (RuntimeException e) {
                LOG.warnf("enrolment of %s not stored yet, retrying in %d ms: %s", change.machineId(), backoff.toMillis(), e.getMessage());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }
}
