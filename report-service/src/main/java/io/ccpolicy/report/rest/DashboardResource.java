package io.ccpolicy.report.rest;

import io.ccpolicy.report.config.ReportServiceConfig;
import io.ccpolicy.report.messaging.LiveViolations;
import io.ccpolicy.report.rest.dto.Overview;
import io.ccpolicy.report.service.DashboardService;
import io.ccpolicy.report.service.PlatformClient;
import io.ccpolicy.service.rest.Actors;
import io.ccpolicy.service.rest.Roles;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The dashboard's API, for the signed-in user (session cookie) or a bearer token. Reads and actions go to the service
 * that owns them with the user's own token, so each service still decides; this API only refuses early what the user's
 * roles could never do, so the page does not offer it. Actions need the header {@code X-CCPolicy-Dashboard: 1}, which a
 * cross-site form cannot send (CSRF).
 */
@Path("/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {

    private static final String ACTION_HEADER = "X-CCPolicy-Dashboard";

    private final DashboardService dashboard;
    private final PlatformClient platform;
    private final ReportServiceConfig config;
    private final LiveViolations live;
    private final SecurityIdentity identity;

    public DashboardResource(DashboardService dashboard, PlatformClient platform, ReportServiceConfig config, LiveViolations live,
            SecurityIdentity identity) {
        this.dashboard = dashboard;
        this.platform = platform;
        this.config = config;
        this.live = live;
        this.identity = identity;
    }

    @GET
    @Path("me")
    @Authenticated
    @Operation(summary = "Who is signed in and what the dashboard may offer them")
    public Map<String, Object> me() {
        Map<String, Object> me = new LinkedHashMap<>();
        me.put("user", Actors.of(identity));
        me.put("roles", identity.getRoles().stream().sorted().toList());
        me.put("canReadAudit", identity.hasRole(Roles.AUDIT_READER));
        me.put("canReadPolicies", identity.hasRole(Roles.POLICY_VIEWER) || identity.hasRole(Roles.POLICY_ADMIN) || identity.hasRole(Roles.AUDIT_READER));
        me.put("canPublish", identity.hasRole(Roles.POLICY_ADMIN));
        me.put("canDecideExceptions", identity.hasRole(Roles.EXCEPTION_APPROVER));
        me.put("canReadExceptions", identity.hasRole(Roles.EXCEPTION_APPROVER) || identity.hasRole(Roles.POLICY_ADMIN) || identity.hasRole(Roles.AUDIT_READER));
        return me;
    }

    @GET
    @Path("overview")
    @Blocking
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "Active users, sessions, violations, exceptions used, breakdown by policy, hourly trend, recent violations and "
            + "anomalous users for the window (1h to 30d, e.g. 24h or 7d)")
    public Overview overview(@QueryParam("window") @DefaultValue("24h") @Pattern(regexp = "\\d{1,3}[hd]", message = "must be like 24h or 7d")
            String window) {
        long n = Long.parseLong(window.substring(0, window.length() - 1));
        Duration length = window.endsWith("d") ? Duration.ofDays(n) : Duration.ofHours(n);
        if (length.isZero() || length.compareTo(Duration.ofDays(30)) > 0) {
            throw new BadRequestException("window must be between 1h and 30d, got " + window);
        }
        return dashboard.overview(length, CallerToken.of(identity));
    }

    @GET
    @Path("live")
    @RolesAllowed(Roles.AUDIT_READER)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Violations as they are decided, as server-sent events")
    public Multi<Overview.Violation> live() {
        return live.stream();
    }

    @GET
    @Path("audit")
    @Blocking
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "Audit search (audit-ingest's filters and cursor, newest first)")
    public Response audit(@jakarta.ws.rs.core.Context UriInfo uri) {
        StringBuilder query = new StringBuilder("/api/v1/audit/events?order=newest");
        uri.getQueryParameters().forEach((key, values) -> {
            if (List.of("from", "to", "user", "team", "machine", "policy", "decision", "tool", "type", "cursor", "limit").contains(key)) {
                values.forEach(v -> query.append('&').append(key).append('=').append(PlatformClient.encoded(v)));
            }
        });
        return forward("audit-ingest", config.auditUrl(), "GET", query.toString(), null);
    }

    @GET
    @Path("exceptions")
    @Blocking
    @RolesAllowed({Roles.EXCEPTION_APPROVER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Exception requests (exception-service)")
    public Response exceptions() {
        return forward("exception-service", config.exceptionsUrl(), "GET", "/api/v1/exceptions", null);
    }

    @POST
    @Path("exceptions/{id}/{action}")
    @Blocking
    @RolesAllowed(Roles.EXCEPTION_APPROVER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Approve or deny a request as the signed-in approver (exception-service decides)")
    public Response decide(@PathParam("id") UUID id, @PathParam("action") @Pattern(regexp = "approve|deny", message = "must be approve or deny")
            String action, @HeaderParam(ACTION_HEADER) String header, String body) {
        requireActionHeader(header);
        return forward("exception-service", config.exceptionsUrl(), "POST", "/api/v1/exceptions/" + id + "/" + action, body == null ? "{}" : body);
    }

    @GET
    @Path("enrolments")
    @Blocking
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Enrolled machines, revoked ones included (policy-service)")
    public Response enrolments() {
        return forward("policy-service", config.policyUrl(), "GET", "/api/v1/enrolments", null);
    }

    @POST
    @Path("enrolments/{machineId}/revoke")
    @Blocking
    @RolesAllowed(Roles.POLICY_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Revoke a machine as the signed-in admin (policy-service decides)")
    public Response revoke(@PathParam("machineId") String machineId, @HeaderParam(ACTION_HEADER) String header, String body) {
        requireActionHeader(header);
        return forward("policy-service", config.policyUrl(), "POST", "/api/v1/enrolments/"
                + java.net.URLEncoder.encode(machineId, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20") + "/revoke", body);
    }

    @GET
    @Path("policies")
    @Blocking
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Policy versions (policy-service)")
    public Response versions() {
        return forward("policy-service", config.policyUrl(), "GET", "/api/v1/policies/versions", null);
    }

    @GET
    @Path("publications")
    @Blocking
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "Publications, newest first (policy-service)")
    public Response publications() {
        return forward("policy-service", config.policyUrl(), "GET", "/api/v1/policies/publications", null);
    }

    @GET
    @Path("policies/{revision}/diff")
    @Blocking
    @RolesAllowed({Roles.POLICY_VIEWER, Roles.POLICY_ADMIN, Roles.AUDIT_READER})
    @Operation(summary = "What changed from revision `against` to this one (policy-service)")
    public Response diff(@PathParam("revision") long revision, @QueryParam("against") @jakarta.validation.constraints.NotNull Long against) {
        return forward("policy-service", config.policyUrl(), "GET", "/api/v1/policies/versions/" + revision + "/diff?against=" + against, null);
    }

    @POST
    @Path("publications")
    @Blocking
    @RolesAllowed(Roles.POLICY_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Publish a version to a scope, as the signed-in admin (policy-service decides)")
    public Response publish(@HeaderParam(ACTION_HEADER) String header, String body) {
        requireActionHeader(header);
        return forward("policy-service", config.policyUrl(), "POST", "/api/v1/policies/publications", body);
    }

    @POST
    @Path("publications/rollback")
    @Blocking
    @RolesAllowed(Roles.POLICY_ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Roll a scope back to an earlier revision, as the signed-in admin (policy-service decides)")
    public Response rollback(@HeaderParam(ACTION_HEADER) String header, String body) {
        requireActionHeader(header);
        return forward("policy-service", config.policyUrl(), "POST", "/api/v1/policies/publications/rollback", body);
    }

    private static void requireActionHeader(String header) {
        if (!"1".equals(header)) {
            throw new BadRequestException("actions need the header " + ACTION_HEADER + ": 1 (the dashboard sends it)");
        }
    }

    private Response forward(String service, URI base, String method, String path, String body) {
        PlatformClient.Forwarded answer = platform.forward(service, base, method, path, body, CallerToken.of(identity));
        return Response.status(answer.status()).type(answer.contentType()).entity(answer.body()).build();
    }
}
