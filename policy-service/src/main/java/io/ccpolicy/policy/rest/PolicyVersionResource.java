package io.ccpolicy.policy.rest;

import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.policy.rest.dto.ImpactReport;
import io.ccpolicy.policy.rest.dto.PolicyChange;
import io.ccpolicy.policy.rest.dto.PolicyVersionDetail;
import io.ccpolicy.policy.rest.dto.PolicyVersionSummary;
import io.ccpolicy.policy.service.ImpactService;
import io.ccpolicy.policy.service.PolicyVersionService;
import io.ccpolicy.service.rest.Actors;
import io.ccpolicy.service.rest.Problem;
import io.ccpolicy.service.rest.ProblemMapper;
import io.ccpolicy.service.rest.QueryParams;
import io.ccpolicy.service.rest.Roles;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

@Path("/api/v1/policies/versions")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyVersionResource {

    private final PolicyVersionService service;
    private final ImpactService impact;
    private final SecurityIdentity identity;

    public PolicyVersionResource(PolicyVersionService service, ImpactService impact, SecurityIdentity identity) {
        this.service = service;
        this.impact = impact;
        this.identity = identity;
    }

    @GET
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Policy document versions, newest first")
    public List<PolicyVersionSummary> list() {
        return service.list();
    }

    @POST
    @RolesAllowed(Roles.POLICY_ADMIN)
    @Consumes({"application/yaml", "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN})
    @Operation(summary = "Submit a policy document (YAML) as the next version; problems come back with line and column")
    public Response submit(@QueryParam("note") @NotBlank String note, @NotNull String yaml) throws PolicyValidationException {
        PolicyVersionDetail created = service.submit(yaml, note, Actors.of(identity));
        return Response.created(URI.create("/api/v1/policies/versions/" + created.revision())).entity(created).build();
    }

    @GET
    @Path("{revision}")
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "One version with its document")
    public PolicyVersionDetail get(@PathParam("revision") long revision) {
        return service.get(revision);
    }

    @GET
    @Path("{revision}/diff")
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Semantic changes from revision `against` to this one")
    public List<PolicyChange> diff(@PathParam("revision") long revision, @QueryParam("against") @NotNull Long against) {
        return service.diff(against, revision);
    }

    @GET
    @Path("{revision}/impact")
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Dry run on recorded traffic: the tool calls in [from, to) (optionally one team's) whose verdict this version "
            + "would change against `against` (default: the organization's version in force), grouped by policy and team. Reads audit "
            + "events with the caller's token, which therefore also needs audit-reader.")
    public ImpactReport impact(@PathParam("revision") long revision, @QueryParam("from") @NotBlank String from,
            @QueryParam("to") @NotBlank String to, @QueryParam("team") String team, @QueryParam("against") Long against) {
        Instant start = QueryParams.instant("from", from);
        Instant end = QueryParams.instant("to", to);
        if (!start.isBefore(end)) {
            throw new BadRequestException("from (" + from + ") must be before to (" + to + ")");
        }
        String token = identity.getCredential(TokenCredential.class).getToken();
        return impact.analyse(revision, against, start, end, team, token);
    }

    @ServerExceptionMapper
    public Response invalidPolicy(PolicyValidationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.problems().stream()
                .map(p -> new Problem.FieldError("line " + p.line() + ", column " + p.column() + (p.where().isEmpty() ? "" : " (" + p.where() + ")"),
                        p.message()))
                .toList();
        return ProblemMapper.problem(400, "invalid-policy", "Invalid policy document",
                "The document has " + errors.size() + " problem(s); nothing was stored.", uri, errors);
    }
}
