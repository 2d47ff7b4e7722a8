package io.ccpolicy.audit.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.entity.IntegrityFindingEntity;
import io.ccpolicy.audit.entity.MachineChainEntity;
import io.ccpolicy.audit.repository.IntegrityRepository;
import io.ccpolicy.engine.audit.AuditChain;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Checks each newly stored event against its machine's chain as ingested so far (the same {@link AuditChain} the agent
 * seals with): altered content, missing or repeated sequence numbers and broken links become integrity findings, which
 * are recorded and queryable; the event itself is kept, since an auditor needs the evidence.
 */
@ApplicationScoped
public class ChainVerifier {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final IntegrityRepository integrity;
    private final ObjectMapper json;
    private final Clock clock;

    public ChainVerifier(IntegrityRepository integrity, ObjectMapper json, Clock clock) {
        this.integrity = integrity;
        this.json = json;
        this.clock = clock;
    }

    /** Must run in the transaction that stored the event. */
    public void verify(String machineId, String eventId, String payload) {
        Map<String, Object> event;
        try {
            event = json.readValue(payload, OBJECT);
        } catch (Exception e) {
            return; // already validated as JSON by the records parser
        }
        MachineChainEntity chain = integrity.chainForUpdate(machineId);
        AuditChain.Head head = chain == null ? AuditChain.Head.START : new AuditChain.Head(chain.lastSeq, chain.lastHash);
        List<AuditChain.Finding> findings = AuditChain.verify(List.of(event), head);
        for (AuditChain.Finding finding : findings) {
            IntegrityFindingEntity row = new IntegrityFindingEntity();
            row.machineId = machineId;
            row.eventId = eventId;
            row.seq = event.get("seq") instanceof Number n ? n.longValue() : null;
            row.problem = finding.problem();
            row.detectedAt = clock.instant();
            integrity.record(row);
        }
        if (event.get("seq") instanceof Number seq && event.get("hash") instanceof String hash && seq.longValue() > head.seq()) {
            if (chain == null) {
                chain = new MachineChainEntity();
                chain.machineId = machineId;
            }
            chain.lastSeq = seq.longValue();
            chain.lastHash = hash;
            chain.updatedAt = clock.instant();
            integrity.save(chain);
        }
    }
}
