package io.ccpolicy.policy.rest;

import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.policy.rest.dto.PublicationView;
import io.ccpolicy.policy.rest.dto.PublishRequest;
import io.ccpolicy.policy.rest.dto.RollbackRequest;
import io.ccpolicy.policy.rest.dto.Scope;
import io.ccpolicy.policy.service.PublicationService;
import io.ccpolicy.policy.service.PublicationWatch;
import io.ccpolicy.service.rest.Actors;
import io.ccpolicy.service.rest.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/policies/publications")
@Produces(MediaType.APPLICATION_JSON)
public class PublicationResource {

    private final PublicationService service;
    private final PublicationWatch watch;
    private final SecurityIdentity identity;

    public PublicationResource(PublicationService service, PublicationWatch watch, SecurityIdentity identity) {
        this.service = service;
        this.watch = watch;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Every publication, newest first (a scope's newest is in force)")
    public List<PublicationView> list() {
        return service.list();
    }

    @POST
    @RolesAllowed(Roles.POLICY_ADMIN)
    @Operation(summary = "Publish a version to a scope, optionally to a canary share of machines first")
    @APIResponse(responseCode = "201", description = "Published: the publication now in force for the scope",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PublicationView.class)))
    public Response publish(@NotNull @Valid PublishRequest request) {
        PublicationView published = service.publish(request.revision(), request.scope(),
                request.canaryPercent() == null ? 100 : request.canaryPercent(), request.note(), Actors.of(identity));
        watch.published(); // committed: wake the agents waiting for a change
        return Response.status(201).entity(published).build();
    }

    @POST
    @Path("rollback")
    @RolesAllowed(Roles.POLICY_ADMIN)
    @Operation(summary = "Re-publish an earlier version as a new revision, for everyone in the scope at once")
    @APIResponse(responseCode = "201", description = "Rolled back: the new publication now in force for the scope",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PublicationView.class)))
    public Response rollback(@NotNull @Valid RollbackRequest request) throws PolicyValidationException {
        PublicationView published = service.rollback(request.scope(), request.toRevision(), request.note(), Actors.of(identity));
        watch.published();
        return Response.status(201).entity(published).build();
    }

    @GET
    @Path("{scopeType}/{scopeValue}/revision")
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AGENT})
    @Operation(summary = "The revision in force for one machine in a scope (staged rollouts included)")
    public Map<String, Object> revisionFor(@PathParam("scopeType") String scopeType, @PathParam("scopeValue") String scopeValue,
            @QueryParam("machine") @NotBlank String machine) {
        long revision = service.revisionFor(new Scope(scopeType, scopeValue), machine)
                .orElseThrow(() -> new NotFoundException("Nothing is published for " + scopeType + " " + scopeValue + "."));
        return Map.of("scope", new Scope(scopeType, scopeValue).normalized(), "machine", machine, "revision", revision,
                "bucket", PublicationService.bucket(machine));
    }
}
