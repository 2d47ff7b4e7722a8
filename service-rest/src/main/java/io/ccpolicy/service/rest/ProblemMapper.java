package io.ccpolicy.service.rest;

import io.ccpolicy.service.domain.DomainException;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        // a role check says nothing; a service that refuses for a reason (a revoked machine, one's own request) says it
        String why = e.getMessage() == null || e.getMessage().isBlank() ? "Your roles do not allow this operation." : e.getMessage();
        return problem(403, "forbidden", "Forbidden", why, uri, List.of());
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

    /** A service's own refusal: the status and stable type its kind stands for, its message as the detail. */
    @ServerExceptionMapper
    public Response domain(DomainException e, UriInfo uri) {
        int status = e instanceof DomainException.NotFound ? 404 : e instanceof DomainException.Conflict ? 409
                : e instanceof DomainException.Invalid ? 400 : e instanceof DomainException.Refused ? 403 : 503;
        return statusProblem(status, e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e instanceof NotFoundException && e.getCause() != null) {
            // JAX-RS answers 404 when a path or query parameter cannot be converted; it is the caller's bad input.
            return badParameter(e.getCause(), uri);
        }
        return statusProblem(status, e.getMessage(), uri);
    }

    /** A problem whose type and title are the status's reason phrase: {@code not-found}, {@code conflict}, ... */
    private static Response statusProblem(int status, String detail, UriInfo uri) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known == null ? "HTTP " + status : known.getReasonPhrase();
        String slug = known == null ? "http-" + status : title.toLowerCase().replace(' ', '-');
        return problem(status, slug, title, detail, uri, List.of());
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

    /** Names the parameter whose value could not be converted (found by its value), else says what the value was. */
    private static Response badParameter(Throwable cause, UriInfo uri) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(message);
        String value = quoted.find() ? quoted.group(1) : null;
        List<String> names = new ArrayList<>();
        if (value != null) {
            uri.getQueryParameters().forEach((name, values) -> {
                if (values.contains(value)) {
                    names.add(name);
                }
            });
            uri.getPathParameters().forEach((name, values) -> {
                if (values.contains(value)) {
                    names.add(name);
                }
            });
        }
        List<Problem.FieldError> errors = names.stream()
                .map(name -> new Problem.FieldError(name, "'" + value + "' is not a valid value for this parameter")).toList();
        String detail = names.isEmpty() ? "A path or query parameter has a value of the wrong type (" + message + ")."
                : "Parameter " + String.join(", ", names) + " has a value of the wrong type: '" + value + "'.";
        return problem(400, "invalid-request", "Invalid request", detail, uri, errors);
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
