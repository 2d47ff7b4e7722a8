package io.ccpolicy.audit.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.repository.EnrolmentRepository;
import io.ccpolicy.engine.audit.EnrolmentChange;
import io.ccpolicy.service.kafka.StoreRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps the enrolment read model from policy-service's machine.enrolments.v1, one record at a time, in order; the
 * offset is committed after the write. While PostgreSQL is away the record is retried; a record that is not an
 * enrolment, or whose data PostgreSQL refuses, is thrown back, and the channel's dead-letter strategy sets it aside
 * with the reason.
 */
@ApplicationScoped
public class EnrolmentConsumer {


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
        try {
            StoreRetry.untilStored(() -> QuarkusTransaction.requiringNew().call(() -> enrolments.storeIfNewer(change)),
                    "enrolment of " + change.machineId());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("PostgreSQL refused the enrolment of " + change.machineId() + ": " + e.getMessage(), e);
        }
    }
}
