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

/** The part of policy-service's API that reports read: versions and publications, with the caller's bearer token. */
@RegisterRestClient(configKey = "policy-service")
@Path("/api/v1/policies")
@Produces(MediaType.APPLICATION_JSON)
public interface PolicyServiceApi {

    /** Without their documents. */
    @GET
    @Path("/versions")
    List<PolicyVersion> versions(@HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);

    /** With its document. */
    @GET
    @Path("/versions/{revision}")
    PolicyVersion version(@PathParam("revision") long revision, @HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);

    /** Newest first. */
    @GET
    @Path("/publications")
    List<Publication> publications(@HeaderParam(HttpHeaders.AUTHORIZATION) String bearer);
}
