package io.ccpolicy.service.rest;

import io.quarkus.security.identity.SecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who is acting, as recorded in versions, publications and audit events: the token's e-mail, else its user name. */
public final class Actors {

    private Actors() {
    }

    public static String of(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getClaim("email") instanceof String email && !email.isBlank()) {
            return email;
        }
        return identity.getPrincipal().getName();
    }
}
