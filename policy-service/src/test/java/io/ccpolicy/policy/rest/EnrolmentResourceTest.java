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
    void aMachineIsEnrolledForItsDeveloperAndARevokedOneGetsNoBundle() throws Exception {
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

        // the revocation's administrative audit event is signed with the service's key, which audit-ingest checks
        String payload = (String) io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select payload from outbox where topic = 'audit.events.v1' and payload like ?1 order by id desc limit 1")
                .setParameter(1, "%machine_revoked%" + machine + "%").getSingleResult());
        @SuppressWarnings("unchecked")
        Map<String, Object> event = new com.fasterxml.jackson.databind.ObjectMapper().readValue(payload, Map.class);
        java.security.PublicKey serviceKey = Ed25519.publicKey(java.nio.file.Files.readString(java.nio.file.Path.of(
                System.getProperty("java.io.tmpdir"), "ccpolicy-policy-service-test", "admin-audit-signing.pem.pub")));
        org.assertj.core.api.Assertions.assertThat(io.ccpolicy.engine.audit.EventSignature.problem(event, serviceKey)).isEmpty();
    }

    /** Bundle requests read revocations from memory; one written by another instance counts within a second. */
    @Test
    void aRevocationMadeByAnotherInstanceStopsBundlesWithinASecond() {
        String machine = "m-" + UUID.randomUUID();
        String bob = TestTokens.of("bob@acme.com", "developer");
        given().auth().oauth2(bob).contentType(ContentType.JSON).body(Map.of("machineId", machine, "publicKey", publicKey()))
                .post("/api/v1/enrolments").then().statusCode(201);
        given().auth().oauth2(bob).queryParam("machine", machine).get("/api/v1/bundles/current").then()
                .statusCode(org.hamcrest.Matchers.not(403));
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update machine_enrolment set revoked_at = now(),"
                + " revoked_by = 'admin@other-instance', revoke_reason = 'stolen' where machine_id = ?1").setParameter(1, machine).executeUpdate());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).untilAsserted(() -> given().auth().oauth2(bob)
                .queryParam("machine", machine).get("/api/v1/bundles/current").then().statusCode(403)
                .body("detail", containsString("was revoked by admin@other-instance")));
    }

    @jakarta.inject.Inject
    jakarta.persistence.EntityManager em;
}
