package io.ccpolicy.report.rest;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.SecurityIdentity;

/** The caller's access token, to call the other services as them: a bearer token, or the dashboard session's access token. */
final class CallerToken {

    private CallerToken() {
    }

    static String of(SecurityIdentity identity) {
        AccessTokenCredential access = identity.getCredential(AccessTokenCredential.class);
        return access != null ? access.getToken() : identity.getCredential(TokenCredential.class).getToken();
    }
}
