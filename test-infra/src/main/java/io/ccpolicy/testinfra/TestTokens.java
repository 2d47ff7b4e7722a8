package io.ccpolicy.testinfra;

import io.smallrye.jwt.build.Jwt;
import java.util.List;
import java.util.Set;

/**
 * Signed access tokens that services configured against the Quarkus OIDC test server accept (its issuer, key id and
 * private key), carrying what our services read: the e-mail (who acts), the {@code teams} claim and the roles.
 */
public final class TestTokens {

    private TestTokens() {
    }

    public static String of(String email, String... roles) {
        return of(email, List.of(), roles);
    }

    public static String of(String email, List<String> teams, String... roles) {
        return Jwt.preferredUserName(email).claim("email", email).claim("teams", teams).groups(Set.of(roles))
                .issuer("https://server.example.com").audience("https://service.example.com").jws().keyId("1").sign("privateKey.jwk");
    }
}
