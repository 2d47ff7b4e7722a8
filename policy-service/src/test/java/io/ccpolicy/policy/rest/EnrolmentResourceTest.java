package io.ccpolicy.policy.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.testinfra.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Machine enrolment against the real service and PostgreSQL: a developer enrols their machine's key for their own
 * identity, nobody else can take the machine over, an administrator revokes it, and from then on it gets no bundle.
 */
@QuarkusTest
class EnrolmentResourceTest {

    private static String admin() {
        return OidcWiremockTestResource.getAccessToken("admin", Set.of("policy-admin"));
    }

    private static String publicKey() {
        return Ed25519.publicKeyPem(Ed25519.generate().getPublic());
    }

    @Test
    void aMachineIsEnrolledForItsDeveloperAndARevokedOneGetsNoBundle() {
        String machine = "m-" + UUID.randomUUID();
        String bob = TestTokens.of("bob@acme.com", "developer");
        given().auth().oauth2(bob).contentType(ContentType.JSON).body(Map.of("machineId", machine, "publicKey", publicKey()))
                .post("/api/v1/enrolments").then().statusCode(201).body("email", equalTo("bob@acme.com")).body("keyId", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(bob).contentType(ContentType.JSON).body(Map.of("machineId", machine, "publicKey", publicKey()))
                .post("/api/v1/enrolments").then().statusCode(201); // the same developer replaces the machine's key
        given().auth().oauth2(TestTokens.of("mallory@acme.com", "developer")).contentType(ContentType.JSON)
                .body(Map.of("machineId", machine, "publicKey", publicKey())).post("/api/v1/enrolments").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("enrolled by another identity"));
        given().auth().oauth2(bob).contentType(ContentType.JSON).body(Map.of("machineId", "m-" + UUID.randomUUID(), "publicKey", "not a key"))
                .post("/api/v1/enrolments").then().statusCode(400).body("detail", containsString("not an Ed25519 public key"));
        given().auth().oauth2(bob).contentType(ContentType.JSON).body(Map.of("machineId", machine, "publicKey", "k".repeat(5000)))
                .post("/api/v1/enrolments").then().statusCode(400).body("errors.field", hasItem(containsString("publicKey")));

        given().auth().oauth2(admin()).get("/api/v1/enrolments").then().statusCode(200).body("machineId", hasItem(machine));
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("reason", "laptop reported stolen"))
                .post("/api/v1/enrolments/" + machine + "/revoke").then().statusCode(200).body("revokedBy", equalTo("admin"))
                .body("revokeReason", equalTo("laptop reported stolen"));

        given().auth().oauth2(bob).queryParam("machine", machine).get("/api/v1/bundles/current").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("was revoked by admin"));
        given().auth().oauth2(bob).contentType(ContentType.JSON).body(Map.of("machineId", machine, "publicKey", publicKey()))
                .post("/api/v1/enrolments").then().statusCode(409); // a revoked machine cannot enrol itself again
        given().auth().oauth2(admin()).contentType(ContentType.JSON).body(Map.of("reason", "x"))
                .post("/api/v1/enrolments/m-unknown-" + UUID.randomUUID() + "/revoke").then().statusCode(404);
    }
}
