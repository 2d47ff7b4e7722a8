package io.ccpolicy.policy.service;

import io.ccpolicy.service.domain.DomainException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.EnrolmentChange;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.policy.entity.MachineEnrolmentEntity;
import io.ccpolicy.policy.repository.MachineEnrolmentRepository;
import io.ccpolicy.policy.rest.dto.EnrolmentView;
import io.ccpolicy.service.outbox.AdminAuditEvents;
import io.ccpolicy.service.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.security.PublicKey;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Machine enrolment: a machine's Ed25519 public key, bound to the identity that enrolled it. The same identity may
 * enrol its machine again (a new key replaces the old); another identity may not take it over; a revoked machine stays
 * revoked. Every enrolment and revocation is an administrative audit event.
 */
@ApplicationScoped
public class EnrolmentService {

    private final MachineEnrolmentRepository enrolments;
    private final AdminAuditEvents audit;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final Clock clock;
    private final RevokedMachines revokedMachines;

    public EnrolmentService(MachineEnrolmentRepository enrolments, AdminAuditEvents audit, Outbox outbox, ObjectMapper json, Clock clock,
            RevokedMachines revokedMachines) {
        this.enrolments = enrolments;
        this.revokedMachines = revokedMachines;
        this.audit = audit;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
    }

    /** Sends the machine's new state to machine.enrolments.v1 in the change's transaction (audit-ingest verifies events by it). */
    private void publish(MachineEnrolmentEntity e) {
        EnrolmentChange change = new EnrolmentChange(e.machineId, e.email, e.publicKey, e.keyId, clock.instant(), e.revokedAt, e.revokedBy);
        try {
            outbox.add(EnrolmentChange.TOPIC, e.machineId, "enrolment-" + e.machineId + "-" + change.changedAt().toEpochMilli() + "-"
                    + java.util.UUID.randomUUID(), json.writeValueAsString(change.toMap()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("an enrolment of plain values is always JSON", ex);
        }
    }

    @Transactional
    public EnrolmentView enrol(String machineId, String publicKeyPem, String email) {
        PublicKey key;
        try {
            key = Ed25519.publicKey(publicKeyPem);
        } catch (IllegalArgumentException e) {
            throw new DomainException.Invalid("publicKey is not an Ed25519 public key in PEM: " + e.getMessage());
        }
        MachineEnrolmentEntity enrolment = enrolments.findByIdOptional(machineId).orElse(null);
        if (enrolment != null && enrolment.revokedAt != null) {
            throw new DomainException.Conflict("Machine " + machineId + " was revoked by " + enrolment.revokedBy + " at " + enrolment.revokedAt
                    + "; enrol it under a new machine id once an administrator agrees.");
        }
        if (enrolment != null && !enrolment.email.equalsIgnoreCase(email)) {
            throw new DomainException.Conflict("Machine " + machineId + " is enrolled by another identity; it cannot be taken over.");
        }
        boolean replaced = enrolment != null;
        if (enrolment == null) {
            enrolment = new MachineEnrolmentEntity();
            enrolment.machineId = machineId;
            enrolment.email = email;
        }
        enrolment.publicKey = publicKeyPem.strip();
        enrolment.keyId = Ed25519.keyId(key);
        enrolment.enrolledAt = clock.instant();
        enrolments.persist(enrolment);
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("kind", replaced ? "machine_key_replaced" : "machine_enrolled");
        change.put("machineId", machineId);
        change.put("keyId", enrolment.keyId);
        change.put("identity", email);
        audit.record(email, "machine_enrolled", change);
        publish(enrolment);
        return view(enrolment);
    }

    @Transactional
    public EnrolmentView revoke(String machineId, String reason, String actor) {
        MachineEnrolmentEntity enrolment = enrolments.findByIdOptional(machineId)
                .orElseThrow(() -> new DomainException.NotFound("No machine " + machineId + " is enrolled."));
        if (enrolment.revokedAt == null) {
            enrolment.revokedAt = clock.instant();
            enrolment.revokedBy = actor;
            enrolment.revokeReason = reason;
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("kind", "machine_revoked");
            change.put("machineId", machineId);
            change.put("keyId", enrolment.keyId);
            change.put("identity", enrolment.email);
            change.put("reason", reason);
            audit.record(actor, "machine_revoked", change);
            publish(enrolment);
            revokedMachines.add(machineId);
        }
        return view(enrolment);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<EnrolmentView> list() {
        return enrolments.newestFirst().stream().map(EnrolmentService::view).toList();
    }

    /** The enrolment of a machine, if it was ever enrolled. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<EnrolmentView> of(String machineId) {
        return enrolments.findByIdOptional(machineId).map(EnrolmentService::view);
    }

    private static EnrolmentView view(MachineEnrolmentEntity e) {
        return new EnrolmentView(e.machineId, e.keyId, e.publicKey, e.email, e.enrolledAt, e.revokedAt, e.revokedBy, e.revokeReason);
    }
}
