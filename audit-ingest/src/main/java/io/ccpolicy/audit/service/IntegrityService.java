package io.ccpolicy.audit.service;

import io.ccpolicy.audit.repository.IntegrityRepository;
import io.ccpolicy.audit.rest.dto.IntegrityFindingView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/** What ingest found wrong with the trail (chain breaks, mistimed events), as the API shows it. */
@ApplicationScoped
public class IntegrityService {

    private final IntegrityRepository integrity;

    public IntegrityService(IntegrityRepository integrity) {
        this.integrity = integrity;
    }

    /** Every finding, or one machine's ({@code machine} not null). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<IntegrityFindingView> findings(String machine) {
        return integrity.findings(machine).stream()
                .map(f -> new IntegrityFindingView(f.machineId, f.eventId, f.seq, f.kind, f.problem, f.detectedAt)).toList();
    }
}
