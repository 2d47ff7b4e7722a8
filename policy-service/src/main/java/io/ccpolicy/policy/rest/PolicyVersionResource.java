package io.ccpolicy.policy.rest;

import io.ccpolicy.policy.rest.dto.PolicyVersionSummary;
import io.ccpolicy.policy.service.PolicyVersionService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/policies/versions")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyVersionResource {

    private final PolicyVersionService service;

    public PolicyVersionResource(PolicyVersionService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({"policy-viewer", "policy-admin"})
    @Operation(summary = "Policy document versions, newest first")
    public List<PolicyVersionSummary> list() {
        return service.list();
    }
}
