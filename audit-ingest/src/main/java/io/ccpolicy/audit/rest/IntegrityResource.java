package io.ccpolicy.audit.rest;

import io.ccpolicy.audit.rest.dto.IntegrityFindingView;
import io.ccpolicy.audit.service.IntegrityService;
import io.ccpolicy.service.rest.Roles;
import jakarta.annotation.security.RolesAllowed;
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

    private final IntegrityService integrity;

    public IntegrityResource(IntegrityService integrity) {
        this.integrity = integrity;
    }

    @GET
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "What ingest found: hash-chain breaks (altered, missing, reordered events) and timestamps far from ingest time, optionally for one machine")
    public List<IntegrityFindingView> findings(@QueryParam("machine") String machine) {
        return integrity.findings(machine);
    }
}
