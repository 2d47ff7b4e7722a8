package io.ccpolicy.report.service;

import io.ccpolicy.report.repository.ReportRunRepository;
import io.ccpolicy.report.rest.dto.ReportRunView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

@ApplicationScoped
public class ReportRunService {

    private final ReportRunRepository runs;

    public ReportRunService(ReportRunRepository runs) {
        this.runs = runs;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ReportRunView> latest(int limit) {
        return runs.latest(limit).stream()
                .map(r -> new ReportRunView(r.id, r.kind, r.format, r.periodFrom, r.periodTo, r.requestedBy, r.createdAt))
                .toList();
    }
}
