package io.ccpolicy.report.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The part of exception-service's API that reports read: requests and their histories, with the caller's bearer token. */
@RegisterRestClient(configKey = "exception-service")
@Path("/api/v1/exceptions")
@Produces(MediaType.APPLICATION_JSON)
public interface ExceptionServiceApi {

    @GET
    List<ExceptionRequest> requests(@HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);

    @GET
    @Path("/{id}/history")
    List<ExceptionRequest.Transition> history(@PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);
}
