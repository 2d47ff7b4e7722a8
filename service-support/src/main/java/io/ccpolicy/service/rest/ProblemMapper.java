package io.ccpolicy.service.rest;

import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves every service as application/problem+json (RFC 9457) with a stable type; never a stack trace. */
public class ProblemMapper {

    public static final String TYPE_BASE = "https://ccpolicy.io/problems/";
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated(uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return problem(403, "forbidden", "Forbidden", "Your roles do not allow this operation.", uri, List.of());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(v.getPropertyPath().toString(), v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .toList();
        return problem(400, "invalid-request", "Invalid request", "The request has " + errors.size() + " invalid field(s).",
                uri, errors);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        String slug = known == null ? "http-" + status : title.toLowerCase().replace(' ', '-');
        return problem(status, slug, title, e.getMessage(), uri, List.of());
    }

    /** The identity provider cannot be reached to verify a token: the caller may retry; it is not our failure to hide. */
    @ServerExceptionMapper
    public Response identityProviderUnavailable(OIDCException e, UriInfo uri) {
        LOG.warnf("identity provider unavailable on %s: %s", uri.getPath(), e.getMessage());
        return Response.fromResponse(problem(503, "identity-provider-unavailable", "Identity provider unavailable",
                        "The organisation's identity provider cannot be reached to verify the token; retry shortly.", uri, List.of()))
                .header(HttpHeaders.RETRY_AFTER, "5")
                .build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s on %s", reference, uri.getPath());
        return problem(500, "internal-error", "Internal error",
                "The server failed to handle the request; quote reference " + reference + " to the operators.", uri, List.of());
    }

    private static Response unauthenticated(UriInfo uri) {
        return Response.fromResponse(problem(401, "unauthenticated", "Unauthenticated",
                        "A valid bearer token from the organisation's identity provider is required.", uri, List.of()))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    public static Response problem(int status, String slug, String title, String detail, UriInfo uri, List<Problem.FieldError> errors) {
        return Response.status(status)
                .type("application/problem+json")
                .entity(new Problem(TYPE_BASE + slug, title, status, detail, uri.getPath(), errors))
                .build();
    }
}
