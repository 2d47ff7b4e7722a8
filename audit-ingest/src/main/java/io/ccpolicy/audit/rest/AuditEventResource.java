package io.ccpolicy.audit.rest;

import io.ccpolicy.audit.rest.dto.AuditEventView;
import io.ccpolicy.audit.service.AuditQueryService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
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

    public AuditEventResource(AuditQueryService query) {
        this.query = query;
    }

    @GET
    @Path("{eventId}")
    @RolesAllowed("audit-reader")
    @Operation(summary = "One stored audit event by its eventId")
    public AuditEventView get(@PathParam("eventId") String eventId) {
        return query.find(eventId).orElseThrow(() -> new NotFoundException("No audit event with eventId " + eventId + "."));
    }
}
