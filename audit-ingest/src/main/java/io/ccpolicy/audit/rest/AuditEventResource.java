package io.ccpolicy.audit.rest;

import io.ccpolicy.audit.rest.dto.AuditEventView;
import io.ccpolicy.audit.service.AuditQueryService;
import io.ccpolicy.audit.rest.dto.Activity;
import io.ccpolicy.audit.rest.dto.ComplianceSummary;
import io.ccpolicy.audit.service.ComplianceSummaryService;
import io.ccpolicy.service.rest.QueryParams;
import io.ccpolicy.service.rest.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.ccpolicy.audit.domain.AuditFilter;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/audit/events")
@Produces(MediaType.APPLICATION_JSON)
public class AuditEventResource {

    private final AuditQueryService query;
    private final io.ccpolicy.audit.service.AdminActions admin;
    private final io.ccpolicy.audit.repository.AdminActionRepository adminActions;
    private final ComplianceSummaryService compliance;

    public AuditEventResource(AuditQueryService query, io.ccpolicy.audit.service.AdminActions admin,
            io.ccpolicy.audit.repository.AdminActionRepository adminActions, ComplianceSummaryService compliance) {
        this.query = query;
        this.compliance = compliance;
        this.admin = admin;
        this.adminActions = adminActions;
    }

    @GET
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "Audit events matching the filters, in a stable order (time, eventId; order=newest reverses it), page by page "
            + "with a cursor")
    public AuditQueryService.Page search(@QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("user") String user,
            @QueryParam("team") String team, @QueryParam("machine") String machine, @QueryParam("session") String session,
            @QueryParam("policy") String policy, @QueryParam("decision") String decision, @QueryParam("tool") String tool,
            @QueryParam("type") String type, @QueryParam("event") String event, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit,
            @QueryParam("order") @DefaultValue("oldest") @jakarta.validation.constraints.Pattern(regexp = "oldest|newest",
                    message = "must be oldest or newest") String order) {
        if (decision != null && !java.util.Set.of("allow", "warn", "ask", "deny").contains(decision)) {
            throw new BadRequestException("decision must be allow, warn, ask or deny, got '" + decision + "'");
        }
        return query.search(new AuditFilter(QueryParams.instant("from", from), QueryParams.instant("to", to), user, team, machine, session, policy, decision,
                tool, type, event), cursor, limit, order.equals("newest"));
    }

    @GET
    @Path("/export")
    @RolesAllowed(Roles.AUDIT_READER)
    @Produces({"application/x-ndjson", "text/plain"})
    @Operation(summary = "Every event in a time range, streamed as NDJSON (format=ndjson, default) or CEF lines (format=cef)")
    public jakarta.ws.rs.core.Response export(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("format") @DefaultValue("ndjson") String format, @QueryParam("machine") String machine,
            @QueryParam("user") String user) {
        if (!format.equals("ndjson") && !format.equals("cef")) {
            throw new BadRequestException("format must be ndjson or cef, got '" + format + "'");
        }
        if (from == null || to == null) {
            throw new BadRequestException("from and to are required (ISO-8601 timestamps)");
        }
        AuditFilter filter = new AuditFilter(QueryParams.instant("from", from), QueryParams.instant("to", to), user, null, machine, null, null, null, null, null, null);
        return lines(filter, format.equals("cef") ? io.ccpolicy.audit.service.CefFormat::line : view -> view.event().toString(),
                format.equals("cef") ? "text/plain" : "application/x-ndjson");
    }

    @GET
    @Path("/subjects/{email}")
    @RolesAllowed(Roles.AUDIT_READER)
    @Produces("application/x-ndjson")
    @Operation(summary = "Data-subject export (GDPR): every stored event of one user, as NDJSON; the export itself is recorded")
    public jakarta.ws.rs.core.Response subject(@jakarta.ws.rs.PathParam("email") String email,
            @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        AuditFilter filter = new AuditFilter(null, null, email, null, null, null, null, null, null, null, null);
        admin.record("data_subject_export", security.getUserPrincipal().getName(), "exported the events of " + email);
        return lines(filter, view -> view.event().toString(), "application/x-ndjson");
    }

    /** What clearing the demo data removed. */
    public record DemoCleared(long cleared) {
    }

    @jakarta.ws.rs.DELETE
    @Path("/demo")
    @RolesAllowed(Roles.POLICY_ADMIN)
    @Operation(summary = "Removes the demo fleet's events (machines demo-*, from bin/platform demo); recorded as an administrative action, "
            + "and the archive sweep knows the rows were cleared on purpose")
    public DemoCleared clearDemo(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        return new DemoCleared(admin.clearDemo(security.getUserPrincipal().getName()));
    }

    /** Streams every matching event, one line each, a page (and a short transaction) at a time, so memory stays flat. */
    private jakarta.ws.rs.core.Response lines(AuditFilter filter, java.util.function.Function<AuditEventView, String> line, String type) {
        jakarta.ws.rs.core.StreamingOutput stream = out -> {
            String cursor = null;
            do {
                String after = cursor;
                AuditQueryService.Page page = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                        .call(() -> query.search(filter, after, 1000));
                StringBuilder chunk = new StringBuilder();
                page.events().forEach(view -> chunk.append(line.apply(view)).append('\n'));
                out.write(chunk.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                cursor = page.nextCursor();
            } while (cursor != null);
        };
        return jakarta.ws.rs.core.Response.ok(stream, type).build();
    }

    @GET
    @Path("/admin-actions")
    @RolesAllowed(Roles.AUDIT_READER)
    @Transactional(Transactional.TxType.SUPPORTS)
    @Operation(summary = "Retention runs and data-subject exports, newest first")
    public java.util.List<java.util.Map<String, Object>> adminActions() {
        return adminActions.latest().stream().map(a -> java.util.Map.<String, Object>of("action", a.action, "actor", a.actor,
                "detail", a.detail, "occurredAt", a.occurredAt.toString())).toList();
    }

    @GET
    @Path("/counts")
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "Event counts in a time range by policy, decision, user or hour, for dashboards")
    public java.util.List<AuditQueryService.Count> counts(@QueryParam("by") String by, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        if (by == null || !java.util.Set.of("policy", "decision", "user", "hour").contains(by)) {
            throw new BadRequestException("by must be policy, decision, user or hour, got '" + by + "'");
        }
        if (from == null || to == null) {
            throw new BadRequestException("from and to are required (ISO-8601 timestamps)");
        }
        return query.counts(by, QueryParams.instant("from", from), QueryParams.instant("to", to));
    }

    @GET
    @Path("/summary")
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "Compliance summary of [from, to): totals, denials by policy and user, tool calls, exceptions used, "
            + "administrative changes, integrity findings and archive sealing")
    public ComplianceSummary summary(@QueryParam("from") String from, @QueryParam("to") String to) {
        if (from == null || to == null) {
            throw new BadRequestException("from and to are required (ISO-8601 timestamps)");
        }
        return compliance.summary(QueryParams.instant("from", from), QueryParams.instant("to", to));
    }

    @GET
    @Path("/activity")
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "Activity per user in [from, to) and in the equal windows before it (baseline), and the window's hourly trend")
    public Activity activity(@QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("baselineWindows") @DefaultValue("7") @Min(1) @Max(60) int baselineWindows) {
        if (from == null || to == null) {
            throw new BadRequestException("from and to are required (ISO-8601 timestamps)");
        }
        java.time.Instant start = QueryParams.instant("from", from);
        java.time.Instant end = QueryParams.instant("to", to);
        if (!start.isBefore(end) || java.time.Duration.between(start, end).compareTo(java.time.Duration.ofDays(31)) > 0) {
            throw new BadRequestException("the window must run forwards and cover at most 31 days");
        }
        return compliance.activity(start, end, baselineWindows);
    }

    @GET
    @Path("{eventId}")
    @RolesAllowed(Roles.AUDIT_READER)
    @Operation(summary = "One stored audit event by its eventId")
    public AuditEventView get(@PathParam("eventId") String eventId) {
        return query.find(eventId).orElseThrow(() -> new NotFoundException("No audit event with eventId " + eventId + "."));
    }
}
