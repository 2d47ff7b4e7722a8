package io.ccpolicy.report.rest;

import io.ccpolicy.report.rest.dto.ComplianceReport;
import io.ccpolicy.report.service.ComplianceReportService;
import io.ccpolicy.report.service.ReportDocuments;
import io.ccpolicy.service.rest.Actors;
import io.ccpolicy.service.rest.QueryParams;
import io.ccpolicy.service.rest.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/reports")
public class ComplianceReportResource {

    private static final Duration LONGEST = Duration.ofDays(366);

    private final ComplianceReportService reports;
    private final SecurityIdentity identity;

    public ComplianceReportResource(ComplianceReportService reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    @GET
    @Path("{kind}")
    @Blocking
    @RolesAllowed(Roles.AUDIT_READER)
    @Produces({MediaType.APPLICATION_JSON, "text/csv", "application/pdf"})
    @Operation(summary = "SOC 2 or HIPAA report for [from, to): controls with their numbers, evidence and gaps, as JSON, CSV or PDF "
            + "(format). Built from audit-ingest, policy-service and exception-service with the caller's token.")
    public Response report(@PathParam("kind") @Pattern(regexp = "soc2|hipaa", message = "must be soc2 or hipaa") String kind,
            @QueryParam("from") @NotBlank String from, @QueryParam("to") @NotBlank String to,
            @QueryParam("format") @DefaultValue("json") @Pattern(regexp = "json|csv|pdf", message = "must be json, csv or pdf") String format) {
        Instant start = QueryParams.instant("from", from);
        Instant end = QueryParams.instant("to", to);
        if (!start.isBefore(end)) {
            throw new BadRequestException("from (" + from + ") must be before to (" + to + ")");
        }
        if (Duration.between(start, end).compareTo(LONGEST) > 0) {
            throw new BadRequestException("a report covers at most 366 days; split the period");
        }
        String token = CallerToken.of(identity);
        ComplianceReport report = reports.generate(kind, start, end, format, Actors.of(identity), token);
        String file = kind + "-report-" + start.toString().substring(0, 10) + "-to-" + end.toString().substring(0, 10);
        return switch (format) {
            case "csv" -> Response.ok(ReportDocuments.csv(report), "text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"" + file + ".csv\"").build();
            case "pdf" -> Response.ok(ReportDocuments.pdf(report), "application/pdf")
                    .header("Content-Disposition", "attachment; filename=\"" + file + ".pdf\"").build();
            default -> Response.ok(report, MediaType.APPLICATION_JSON).build();
        };
    }
}
