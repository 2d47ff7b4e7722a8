package io.ccpolicy.policy.rest;

import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is acting, as recorded in versions, publications and audit events: the token's e-mail, else its user name. */
final class Actors {

    private Actors() {
    }

    static String of(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getClaim("email") instanceof String email && !email.isBlank()) {
            return email;
        }
        return identity.getPrincipal().getName();
    }
}
