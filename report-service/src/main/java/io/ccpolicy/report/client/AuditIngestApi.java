package io.ccpolicy.report.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The part of audit-ingest's query API that reports and the dashboard read, each call with the caller's bearer token. */
@RegisterRestClient(configKey = "audit-ingest")
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public interface AuditIngestApi {

    @GET
    @Path("/events/summary")
    AuditSummary summary(@QueryParam("from") Instant from, @QueryParam("to") Instant to, @HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);

    @GET
    @Path("/events/activity")
    Activity activity(@QueryParam("from") Instant from, @QueryParam("to") Instant to, @QueryParam("baselineWindows") int baselineWindows,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);

    /** Newest first. */
    @GET
    @Path("/events")
    EventPage newestEvents(@QueryParam("from") Instant from, @QueryParam("to") Instant to, @QueryParam("decision") String decision,
            @QueryParam("limit") int limit, @QueryParam("order") String order, @HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);

    @GET
    @Path("/archive/verification")
    ArchiveVerification archiveVerification(@QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);
}
