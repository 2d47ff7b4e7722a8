package io.ccpolicy.audit.service;

import io.ccpolicy.audit.domain.IncomingEvent;
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
 * and, under {@code record} (the mode for a fleet still enrolling), stored with the reason its origin is not proven
 * ({@code audit_event.unverified}) and counted ({@code audit_ingest_unverified_total}); reports count them apart.
 * Administrative events (machine {@code service:<name>}) must verify with the service's key in
 * {@code enrolment.service-keys}.
 */
@ApplicationScoped
public class EventAuthenticity {

    private final EnrolmentRepository enrolments;
    private final boolean enforce;
    private final Counter unverified;
    private final Map<String, java.security.PublicKey> serviceKeys = new java.util.HashMap<>();
    /** Enrolled keys by their PEM, parsed once rather than for every event of a batch. */
    private final Map<String, java.security.PublicKey> machineKeys = new java.util.concurrent.ConcurrentHashMap<>();

    public EventAuthenticity(EnrolmentRepository enrolments, AuditIngestConfig config, MeterRegistry metrics) {
        this.enrolments = enrolments;
        this.enforce = switch (config.enrolment().mode()) {
            case "enforce" -> true;
            case "record" -> false;
            default -> throw new IllegalArgumentException("audit-ingest.enrolment.mode is '" + config.enrolment().mode() + "'; expected enforce or record");
        };
        config.enrolment().serviceKeys().forEach((service, pem) -> {
            try {
                serviceKeys.put("service:" + service, Ed25519.publicKey(pem));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("audit-ingest.enrolment.service-keys." + service + " is not an Ed25519 public key: " + e.getMessage(), e);
            }
        });
        this.unverified = Counter.builder("audit.ingest.unverified")
                .description("events kept without a verified machine signature (enrolment.mode=record)").register(metrics);
    }

    /** The machines' enrolments for a batch, read once. */
    public Map<String, EnrolmentChange> enrolmentsOf(List<IncomingEvent> events) throws SQLException {
        return enrolments.of(events.stream().map(IncomingEvent::machineId).distinct().toList());
    }

    /**
     * What becomes of an event: refused (with the reason), or stored, verified or (under {@code record} only) not, with
     * the reason it could not be verified.
     */
    public record Verdict(String refusal, String unverified) {

        static final Verdict VERIFIED = new Verdict(null, null);

        static Verdict refused(String why) {
            return new Verdict(why, null);
        }

        public boolean isRefused() {
            return refusal != null;
        }
    }

    public Verdict check(IncomingEvent event, Map<String, EnrolmentChange> enrolled) {
        if (event.machineId().startsWith("service:")) {
            return serviceCheck(event);
        }
        EnrolmentChange enrolment = enrolled.get(event.machineId());
        boolean signed = event.event().get(EventSignature.FIELD) != null;
        if (enrolment == null) {
            return unverified("machine " + event.machineId() + " is not enrolled" + (signed ? "" : ", and the event is not signed"));
        }
        if (enrolment.revoked()) {
            return Verdict.refused("machine " + event.machineId() + " was revoked by " + enrolment.revokedBy() + " at " + enrolment.revokedAt());
        }
        if (!signed) {
            return unverified("the event is not signed, but machine " + event.machineId() + " is enrolled (forged with shared credentials?)");
        }
        Optional<String> bad = EventSignature.problem(event.event(), machineKeys.computeIfAbsent(enrolment.publicKey(), Ed25519::publicKey));
        if (bad.isPresent()) {
            return Verdict.refused("the event fails its signature check against machine " + event.machineId() + "'s enrolled key "
                    + enrolment.keyId() + " (" + bad.get() + ")");
        }
        String user = event.event().get("user") instanceof Map<?, ?> u && u.get("email") instanceof String e ? e : "";
        if (!user.equalsIgnoreCase(enrolment.email())) {
            return Verdict.refused("the event names user '" + user + "', but machine " + event.machineId() + " is enrolled for " + enrolment.email());
        }
        return Verdict.VERIFIED;
    }

    /** An administrative event must verify with its service's configured key. */
    private Verdict serviceCheck(IncomingEvent event) {
        java.security.PublicKey key = serviceKeys.get(event.machineId());
        if (key == null) {
            return unverified("no key is configured for " + event.machineId() + " (audit-ingest.enrolment.service-keys)");
        }
        if (event.event().get(EventSignature.FIELD) == null) {
            return unverified("the administrative event of " + event.machineId() + " is not signed");
        }
        return EventSignature.problem(event.event(), key)
                .map(bad -> Verdict.refused("the administrative event fails its signature check against " + event.machineId() + "'s key (" + bad + ")"))
                .orElse(Verdict.VERIFIED);
    }

    private Verdict unverified(String why) {
        if (enforce) {
            return Verdict.refused(why);
        }
        unverified.increment();
        return new Verdict(null, why);
    }
}
