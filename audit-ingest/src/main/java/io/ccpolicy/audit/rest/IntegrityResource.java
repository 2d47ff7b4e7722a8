package io.ccpolicy.audit.rest;

import io.ccpolicy.audit.repository.IntegrityRepository;
import io.ccpolicy.audit.rest.dto.IntegrityFindingView;
import io.ccpolicy.service.rest.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/audit/integrity")
@Produces(MediaType.APPLICATION_JSON)
public class IntegrityResource {

    private final IntegrityRepository integrity;

    public IntegrityResource(IntegrityRepository integrity) {
        this.integrity = integrity;
    }

    @GET
    @RolesAllowed(Roles.AUDIT_READER)
    @Transactional(Transactional.TxType.SUPPORTS)
    @Operation(summary = "What ingest found: hash-chain breaks (altered, missing, reordered events) and timestamps far from ingest time, optionally for one machine")
    public List<IntegrityFindingView> findings(@QueryParam("machine") String machine) {
        return integrity.findings(machine).stream()
                .map(f -> new IntegrityFindingView(f.machineId, f.eventId, f.seq, f.kind, f.problem, f.detectedAt)).toList();
    }
}
