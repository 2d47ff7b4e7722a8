package io.ccpolicy.policy.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.testinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** How an agent joins: without a token, the same key bundles are signed with, under a fingerprint a person can compare. */
@QuarkusTest
class AgentSetupResourceTest {

    @Test
    void anAgentWithoutATokenLearnsWhereToSignInAndWhichKeyToPin() {
        JsonPath setup = given().get("/api/v1/agent-setup").then().statusCode(200).extract().jsonPath();
        String signingKey = given().auth().oauth2(TestTokens.of("bob@acme.com", "developer")).get("/api/v1/bundles/public-key")
                .then().statusCode(200).extract().asString();

        assertThat(setup.getString("bundleKeys[0].publicKey")).isEqualTo(signingKey);
        assertThat(setup.getString("bundleKeys[0].fingerprint")).isEqualTo(Ed25519.fingerprint(Ed25519.publicKey(signingKey)))
                .matches("SHA256:[0-9a-f]{64}");
        assertThat(setup.getString("clientId")).isEqualTo("ccpolicy-agent");
        assertThat(setup.getString("tokenUrl")).isEqualTo("http://127.0.0.1:1/realms/acme/protocol/openid-connect/token");
        assertThat(setup.getMap("audit.kafka")).containsEntry("bootstrap.servers", "127.0.0.1:2").containsEntry("sasl.mechanism", "OAUTHBEARER")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(setup.getString("audit.topic")).isEqualTo("audit.events.v1");
    }
}
