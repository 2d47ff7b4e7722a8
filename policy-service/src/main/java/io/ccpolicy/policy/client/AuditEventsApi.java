package io.ccpolicy.policy.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** audit-ingest's event search, read page by page with the caller's bearer token (impact analysis replays it). */
@RegisterRestClient(configKey = "audit-ingest")
@Path("/api/v1/audit/events")
@Produces(MediaType.APPLICATION_JSON)
public interface AuditEventsApi {

    /** {@code team} and {@code cursor} may be null (any team; the first page). */
    @GET
    Page page(@QueryParam("from") Instant from, @QueryParam("to") Instant to, @QueryParam("team") String team,
            @QueryParam("cursor") String cursor, @QueryParam("limit") int limit, @HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);

    /** {@code nextCursor} null on the last page. */
    record Page(List<Row> events, String nextCursor) {
    }

    /** One stored event, as the agent recorded it (audit schema v1). */
    record Row(Map<String, Object> event) {
    }
}
