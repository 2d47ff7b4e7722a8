package io.ccpolicy.report.rest;

import io.ccpolicy.report.rest.dto.ReportRunView;
import io.ccpolicy.report.service.ReportRunService;
import io.ccpolicy.service.rest.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/reports/runs")
@Produces(MediaType.APPLICATION_JSON)
public class ReportRunResource {

    private final ReportRunService service;

    public ReportRunResource(ReportRunService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "Compliance reports generated so far, newest first")
    public List<ReportRunView> latest(@QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return service.latest(limit);
    }
}
