package io.ccpolicy.policy.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.bundle.ExceptionStateChange;
import io.ccpolicy.policy.repository.ExceptionStateRepository;
import io.ccpolicy.policy.service.PublicationWatch;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the read model of exception states from exception-service's grants topic, one record at a time, in order. A
 * record is acknowledged (its offset committed) only after its state is stored; while PostgreSQL is away the same record
 * is retried with backoff, so nothing is skipped. Storing is idempotent (newer versions only). A record that is not a
 * valid state is logged and skipped: it cannot grant anything, so skipping it fails closed.
 */
@ApplicationScoped
public class ExceptionStateConsumer {

    private static final Logger LOG = Logger.getLogger(ExceptionStateConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ExceptionStateRepository states;
    private final PublicationWatch watch;
    private final ObjectMapper json;

    public ExceptionStateConsumer(ExceptionStateRepository states, PublicationWatch watch, ObjectMapper json) {
        this.states = states;
        this.watch = watch;
        this.json = json;
    }

    @Incoming("exception-states")
    @Blocking
    public void consume(String record) throws InterruptedException {
        ExceptionStateChange change;
        try {
            change = ExceptionStateChange.fromMap(json.readValue(record, Map.class));
        } catch (JsonProcessingException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            LOG.errorf("skipped a record of the exception grants topic that is not a valid exception state (%s): %.500s", e.getMessage(), record);
            return;
        }
        Duration backoff = Duration.ofMillis(200);
        while (true) {
            try {
                if (QuarkusTransaction.requiringNew().call(() -> states.storeIfNewer(change))) {
                    watch.published();
                }
                return;
            } catch (RuntimeException e) {
                LOG.warnf("exception %s (%s) not stored yet, retrying in %d ms: %s", change.id(), change.state(), backoff.toMillis(), e.getMessage());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }
}
