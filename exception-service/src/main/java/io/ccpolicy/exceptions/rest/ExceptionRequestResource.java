package io.ccpolicy.exceptions.rest;

import io.ccpolicy.exceptions.rest.dto.ExceptionRequestView;
import io.ccpolicy.exceptions.service.ExceptionRequestService;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/exceptions")
@Produces(MediaType.APPLICATION_JSON)
public class ExceptionRequestResource {

    private final ExceptionRequestService service;
    private final SecurityIdentity identity;

    public ExceptionRequestResource(ExceptionRequestService service, SecurityIdentity identity) {
        this.service = service;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({"developer", "exception-approver", "policy-admin"})
    @Operation(summary = "Exception requests: all of them for approvers and admins, your own for developers")
    public List<ExceptionRequestView> list() {
        boolean seesAll = identity.hasRole("exception-approver") || identity.hasRole("policy-admin");
        return service.visibleTo(identity.getPrincipal().getName(), seesAll);
    }
}
