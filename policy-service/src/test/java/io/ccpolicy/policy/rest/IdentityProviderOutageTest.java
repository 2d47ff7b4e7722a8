package io.ccpolicy.policy.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.ccpolicy.testinfra.Ports;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** With the identity provider unreachable, a request with a token gets 503 problem+json with Retry-After, not a 500. */
@QuarkusTest
@TestProfile(IdentityProviderOutageTest.ProviderAway.class)
class IdentityProviderOutageTest {

    public static class ProviderAway implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.oidc.auth-server-url", "http://127.0.0.1:" + Ports.freePort() + "/realms/acme");
        }
    }

    @Test
    void anUnreachableProviderIsA503ProblemWithRetryAfter() {
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("carol", Set.of("policy-viewer")))
                .get("/api/v1/policies/versions")
                .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "5")
                .body("type", equalTo("https://ccpolicy.io/problems/identity-provider-unavailable"));
    }
}
