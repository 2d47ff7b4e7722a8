package io.ccpolicy.service.client;

import io.ccpolicy.service.domain.DomainException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.util.function.Supplier;

/**
 * A call to another service's typed REST client, made as the caller (their bearer token), so a service shows only what
 * its caller may see. The other service refusing the token is {@code Refused} (403), and it failing or being away is
 * {@code Unavailable} (503), each naming the service and what the call was for.
 */
public final class Upstream {

    private Upstream() {
    }

    /** The Authorization header that passes the caller's token on. */
    public static String bearer(String token) {
        return "Bearer " + token;
    }

    /**
     * @param purpose why it is read, for the messages ("the report needs its evidence from it")
     * @param requiredRole the role a refused token lacks, when the caller knows it (null otherwise)
     */
    public static <T> T call(String service, String purpose, String requiredRole, Supplier<T> call) {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 401 || status == 403) {
                throw new DomainException.Refused(service + " refused your token (HTTP " + status + "), and " + purpose
                        + (requiredRole == null ? "" : ": the token needs the " + requiredRole + " role as well") + ".");
            }
            throw new DomainException.Unavailable(service + " answered HTTP " + status + "; " + purpose + ".");
        } catch (ProcessingException e) {
            throw new DomainException.Unavailable(service + " is not reachable or its answer could not be read (" + innermost(e) + "); "
                    + purpose + ".");
        }
    }

    private static String innermost(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
