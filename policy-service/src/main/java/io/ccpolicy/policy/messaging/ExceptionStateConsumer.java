package io.ccpolicy.policy.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.bundle.ExceptionStateChange;
import io.ccpolicy.policy.repository.ExceptionStateRepository;
import io.ccpolicy.policy.service.PublicationWatch;
import io.ccpolicy.service.kafka.StoreRetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Keeps the read model of exception states from exception-service's grants topic, one record at a time, in order. A
 * record is acknowledged (its offset committed) only after its state is stored; while PostgreSQL is away the same record
 * is retried with backoff, so nothing is skipped. Storing is idempotent (newer versions only). A record that is not a
 * valid state, or whose data PostgreSQL refuses, is thrown back: the channel's dead-letter strategy moves it to
 * exception.grants.dlq with the reason in its headers, it is counted ({@code policy_grants_dead_lettered_total}), and
 * the partition goes on. It cannot grant anything, so setting it aside fails closed.
 */
@ApplicationScoped
public class ExceptionStateConsumer {

    private static final Logger LOG = Logger.getLogger(ExceptionStateConsumer.class);

    private final ExceptionStateRepository states;
    private final PublicationWatch watch;
    private final ObjectMapper json;
    private final Counter deadLettered;

    public ExceptionStateConsumer(ExceptionStateRepository states, PublicationWatch watch, ObjectMapper json, MeterRegistry metrics) {
        this.states = states;
        this.watch = watch;
        this.json = json;
        this.deadLettered = Counter.builder("policy.grants.dead.lettered")
                .description("records of exception.grants.v1 moved to exception.grants.dlq instead of being stored").register(metrics);
    }

    /** A record this reader sets aside; its message is the dead-letter reason. */
    static final class RefusedRecord extends RuntimeException {
        RefusedRecord(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    @Incoming("exception-states")
    @Blocking
    public void consume(String record) throws InterruptedException {
        ExceptionStateChange change;
        try {
            change = ExceptionStateChange.fromMap(json.readValue(record, Map.class));
        } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException e) {
            throw refused("not a valid exception state: " + e.getMessage(), e, record);
        }
        boolean stored;
        try {
            stored = StoreRetry.untilStored(() -> QuarkusTransaction.requiringNew().call(() -> states.storeIfNewer(change)),
                    "exception " + change.id() + " (" + change.state() + ")");
        } catch (RuntimeException e) {
            throw refused("PostgreSQL refused exception " + change.id() + ": " + e.getMessage(), e, record);
        }
        if (stored) {
            watch.published();
        }
    }

    private RefusedRecord refused(String reason, Throwable cause, String record) {
        deadLettered.increment();
        LOG.errorf("record of the exception grants topic moved to the dead-letter topic, its partition goes on (%s): %.500s", reason, record);
        return new RefusedRecord(reason, cause);
    }
}
