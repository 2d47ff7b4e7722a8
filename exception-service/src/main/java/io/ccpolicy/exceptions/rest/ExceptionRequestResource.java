package io.ccpolicy.exceptions.rest;

import io.ccpolicy.exceptions.rest.dto.DecisionInput;
import io.ccpolicy.exceptions.rest.dto.ExceptionHistoryView;
import io.ccpolicy.exceptions.rest.dto.ExceptionRequestInput;
import io.ccpolicy.exceptions.rest.dto.ExceptionRequestView;
import io.ccpolicy.exceptions.service.ExceptionRequestService;
import io.ccpolicy.service.rest.Actors;
import io.ccpolicy.service.rest.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
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
    @RolesAllowed({Roles.DEVELOPER, Roles.EXCEPTION_APPROVER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Exception requests: all of them for approvers, admins and auditors, your own for developers")
    public List<ExceptionRequestView> list() {
        boolean seesAll = identity.hasRole(Roles.EXCEPTION_APPROVER) || identity.hasRole(Roles.POLICY_ADMIN) || identity.hasRole(Roles.AUDIT_READER);
        return service.visibleTo(Actors.of(identity), seesAll);
    }

    @POST
    @RolesAllowed({Roles.DEVELOPER, Roles.EXCEPTION_APPROVER, Roles.POLICY_ADMIN})
    @Operation(summary = "Request an exception from a policy for yourself, a team or a project")
    public Response request(@NotNull @Valid ExceptionRequestInput input) {
        return Response.status(201).entity(service.request(input, Actors.of(identity))).build();
    }

    @GET
    @Path("{id}")
    @RolesAllowed({Roles.DEVELOPER, Roles.EXCEPTION_APPROVER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    public ExceptionRequestView get(@PathParam("id") UUID id) {
        return service.get(id);
    }

    @GET
    @Path("{id}/history")
    @RolesAllowed({Roles.DEVELOPER, Roles.EXCEPTION_APPROVER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Every state the request went through, who moved it and why")
    public List<ExceptionHistoryView> history(@PathParam("id") UUID id) {
        return service.history(id);
    }

    @POST
    @Path("{id}/approve")
    @RolesAllowed(Roles.EXCEPTION_APPROVER)
    @Operation(summary = "Approve, with an expiry no later than the organisation's maximum; never your own request")
    public ExceptionRequestView approve(@PathParam("id") UUID id, @Valid DecisionInput decision) {
        return service.approve(id, Actors.of(identity), decision == null ? null : decision.expiresIn(), decision == null ? null : decision.reason());
    }

    @POST
    @Path("{id}/deny")
    @RolesAllowed(Roles.EXCEPTION_APPROVER)
    public ExceptionRequestView deny(@PathParam("id") UUID id, @NotNull @Valid DecisionInput decision) {
        return service.deny(id, Actors.of(identity), decision.reason());
    }

    @POST
    @Path("{id}/revoke")
    @RolesAllowed(Roles.POLICY_ADMIN)
    public ExceptionRequestView revoke(@PathParam("id") UUID id, @NotNull @Valid DecisionInput decision) {
        return service.revoke(id, Actors.of(identity), decision.reason());
    }
}
