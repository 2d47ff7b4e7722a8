package io.ccpolicy.policy.rest;

import io.ccpolicy.policy.rest.dto.EnrolRequest;
import io.ccpolicy.policy.rest.dto.EnrolmentView;
import io.ccpolicy.policy.rest.dto.RevokeEnrolmentRequest;
import io.ccpolicy.policy.service.EnrolmentService;
import io.ccpolicy.policy.service.PublicationWatch;
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
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/enrolments")
@Produces(MediaType.APPLICATION_JSON)
public class EnrolmentResource {

    private final EnrolmentService enrolments;
    private final PublicationWatch watch;
    private final SecurityIdentity identity;

    public EnrolmentResource(EnrolmentService enrolments, PublicationWatch watch, SecurityIdentity identity) {
        this.enrolments = enrolments;
        this.watch = watch;
        this.identity = identity;
    }

    @POST
    @RolesAllowed({Roles.DEVELOPER, Roles.AGENT})
    @Operation(summary = "Enrol this machine's public key for the caller's identity (the same identity may replace its key)")
    public Response enrol(@NotNull @Valid EnrolRequest request) {
        return Response.status(201).entity(enrolments.enrol(request.machineId(), request.publicKey(), Actors.of(identity))).build();
    }

    @GET
    @RolesAllowed({Roles.POLICY_ADMIN, Roles.POLICY_VIEWER, Roles.AUDIT_READER})
    @Operation(summary = "Every enrolled machine, newest first, revoked ones included")
    public List<EnrolmentView> list() {
        return enrolments.list();
    }

    @POST
    @Path("{machineId}/revoke")
    @RolesAllowed(Roles.POLICY_ADMIN)
    @Operation(summary = "Revoke a machine: it gets no bundle from now on, and its events are refused")
    public EnrolmentView revoke(@PathParam("machineId") String machineId, @NotNull @Valid RevokeEnrolmentRequest request) {
        EnrolmentView revoked = enrolments.revoke(machineId, request.reason(), Actors.of(identity));
        watch.published(); // a waiting long poll of the revoked machine answers now, with the refusal
        return revoked;
    }
}
