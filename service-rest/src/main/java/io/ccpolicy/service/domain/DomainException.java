package io.ccpolicy.service.domain;

/**
 * Why a service refuses or cannot do what it was asked, in the service's own terms: service classes throw these, and
 * the one problem mapper ({@code rest/ProblemMapper}) turns each into its RFC 9457 answer. Nothing below the REST layer
 * needs to know about HTTP.
 */
public abstract sealed class DomainException extends RuntimeException
        permits DomainException.NotFound, DomainException.Conflict, DomainException.Invalid, DomainException.Refused, DomainException.Unavailable {

    private DomainException(String message) {
        super(message);
    }

    /** What is asked for does not exist (404, {@code not-found}). */
    public static final class NotFound extends DomainException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The request cannot be met in the state things are in (409, {@code conflict}): a decided request, a revoked machine. */
    public static final class Conflict extends DomainException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** The request names something impossible (400, {@code bad-request}): a key that is no key, a cursor never issued. */
    public static final class Invalid extends DomainException {
        public Invalid(String message) {
            super(message);
        }
    }

    /** The caller may not do this, whatever their roles (403, {@code forbidden}): approving one's own request. */
    public static final class Refused extends DomainException {
        public Refused(String message) {
            super(message);
        }
    }

    /** A service this one depends on cannot answer now (503, {@code service-unavailable}); the caller may retry. */
    public static final class Unavailable extends DomainException {
        public Unavailable(String message) {
            super(message);
        }
    }
}
