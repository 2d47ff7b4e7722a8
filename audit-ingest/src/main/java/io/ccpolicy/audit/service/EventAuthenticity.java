package io.ccpolicy.audit.service;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.audit.repository.EnrolmentRepository;
import io.ccpolicy.engine.audit.EnrolmentChange;
import io.ccpolicy.engine.audit.EventSignature;
import io.ccpolicy.engine.sign.Ed25519;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether an event comes from the machine it names: signed with that machine's enrolled key, by the identity the
 * machine is enrolled for, from a machine not revoked. Evidence of forgery (a signature that fails, a revoked machine,
 * another user) is always refused; an unsigned event or an unknown machine is refused under {@code enrolment.mode=enforce}
 * and counted ({@code audit_ingest_unverified_total}) under {@code record}, the mode for a fleet still enrolling.
 * Administrative events (machine {@code service:...}) are the services' own and are not checked here.
 */
@ApplicationScoped
public class EventAuthenticity {

    private final EnrolmentRepository enrolments;
    private final boolean enforce;
    private final Counter unverified;

    public EventAuthenticity(EnrolmentRepository enrolments, AuditIngestConfig config, MeterRegistry metrics) {
        this.enrolments = enrolments;
        this.enforce = switch (config.enrolment().mode()) {
            case "enforce" -> true;
            case "record" -> false;
            default -> throw new IllegalArgumentException("audit-ingest.enrolment.mode is '" + config.enrolment().mode() + "'; expected enforce or record");
        };
        this.unverified = Counter.builder("audit.ingest.unverified")
                .description("events kept without a verified machine signature (enrolment.mode=record)").register(metrics);
    }

    /** The machines' enrolments for a batch, read once. */
    public Map<String, EnrolmentChange> enrolmentsOf(List<IncomingEvent> events) throws SQLException {
        return enrolments.of(events.stream().map(IncomingEvent::machineId).distinct().toList());
    }

    /** Empty when the event may be stored; otherwise the reason it is refused. */
    public Optional<String> refusal(IncomingEvent event, Map<String, EnrolmentChange> enrolled) {
        if (event.machineId().startsWith("service:")) {
            return Optional.empty();
        }
        EnrolmentChange enrolment = enrolled.get(event.machineId());
        boolean signed = event.event().get(EventSignature.FIELD) != null;
        if (enrolment == null) {
            return unverified("machine " + event.machineId() + " is not enrolled" + (signed ? "" : ", and the event is not signed"));
        }
        if (enrolment.revoked()) {
            return Optional.of("machine " + event.machineId() + " was revoked by " + enrolment.revokedBy() + " at " + enrolment.revokedAt());
        }
        if (!signed) {
            return unverified("the event is not signed, but machine " + event.machineId() + " is enrolled (forged with shared credentials?)");
        }
        Optional<String> bad = EventSignature.problem(event.event(), Ed25519.publicKey(enrolment.publicKey()));
        if (bad.isPresent()) {
            return Optional.of("the event fails its signature check against machine " + event.machineId() + "'s enrolled key "
                    + enrolment.keyId() + " (" + bad.get() + ")");
        }
        String user = event.event().get("user") instanceof Map<?, ?> u && u.get("email") instanceof String e ? e : "";
        if (!user.equalsIgnoreCase(enrolment.email())) {
            return Optional.of("the event names user '" + user + "', but machine " + event.machineId() + " is enrolled for " + enrolment.email());
        }
        return Optional.empty();
    }

    private Optional<String> unverified(String why) {
        if (enforce) {
            return Optional.of(why);
        }
        unverified.increment();
        return Optional.empty();
    }
}
