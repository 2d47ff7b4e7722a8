package io.ccpolicy.audit.service;

import io.ccpolicy.audit.domain.IncomingEvent;
import io.ccpolicy.audit.repository.IngestRepository;
import io.ccpolicy.engine.audit.AuditChain;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks newly stored events against their machine's chain as ingested so far (the same {@link AuditChain} the agent
 * seals with): altered content, missing or repeated sequence numbers and broken links become integrity findings, which
 * are recorded and queryable; the events themselves are kept, since an auditor needs the evidence.
 */
@ApplicationScoped
public class ChainVerifier {

    private final IngestRepository repository;

    public ChainVerifier(IngestRepository repository) {
        this.repository = repository;
    }

    /** Must run in the transaction that stored the events, which arrive in each machine's Kafka order. */
    public int verify(List<IncomingEvent> stored, Instant now) throws SQLException {
        Map<String, List<IncomingEvent>> byMachine = new LinkedHashMap<>();
        for (IncomingEvent event : stored) {
            byMachine.computeIfAbsent(event.machineId(), k -> new ArrayList<>()).add(event);
        }
        Map<String, AuditChain.Head> heads = repository.lockChainHeads(byMachine.keySet());
        Map<String, AuditChain.Head> moved = new HashMap<>();
        List<IngestRepository.Finding> findings = new ArrayList<>();
        // Each machine's chain is checked on its own (hashing every event is most of the work): in parallel.
        Map<String, List<AuditChain.Finding>> checked = new java.util.concurrent.ConcurrentHashMap<>();
        byMachine.entrySet().parallelStream().forEach(machine -> checked.put(machine.getKey(), AuditChain.verify(
                machine.getValue().stream().map(IncomingEvent::event).toList(), heads.getOrDefault(machine.getKey(), AuditChain.Head.START))));
        for (Map.Entry<String, List<IncomingEvent>> machine : byMachine.entrySet()) {
            List<IncomingEvent> events = machine.getValue();
            AuditChain.Head head = heads.getOrDefault(machine.getKey(), AuditChain.Head.START);
            for (AuditChain.Finding f : checked.get(machine.getKey())) {
                Object seq = events.get(f.index()).event().get("seq");
                findings.add(new IngestRepository.Finding(machine.getKey(), f.eventId(),
                        seq instanceof Number n ? n.longValue() : null, IngestRepository.Finding.CHAIN, f.problem()));
            }
            for (IncomingEvent event : events) {
                if (event.event().get("seq") instanceof Number seq && event.event().get("hash") instanceof String hash
                        && seq.longValue() > head.seq()) {
                    head = new AuditChain.Head(seq.longValue(), hash);
                    moved.put(machine.getKey(), head);
                }
            }
        }
        repository.recordFindings(findings, now);
        repository.saveChainHeads(moved, now);
        return findings.size();
    }
}
