package io.ccpolicy.exceptions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ccpolicy.exceptions.service.ExceptionRequestService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Request, approve (never your own, never past the maximum), deny, revoke, expire: states, history and audit events. */
@QuarkusTest
class ExceptionWorkflowTest {

    @Inject
    ExceptionRequestService service;

    @Inject
    EntityManager em;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static String token(String user, String... roles) {
        return OidcWiremockTestResource.getAccessToken(user, Set.of(roles));
    }

    private static String request(String user, String duration) {
        return given().auth().oauth2(token(user, "developer")).contentType(ContentType.JSON)
                .body(Map.of("policy", "approved-mcp-servers", "scope", "user", "value", "slack-mcp", "reason", "incident 4711",
                        "duration", duration))
                .post("/api/v1/exceptions").then().statusCode(201).body("state", equalTo("pending")).body("scopeValue", equalTo(user))
                .extract().path("id");
    }

    private static io.restassured.response.ValidatableResponse decide(String user, String role, String id, String action, Map<String, String> body) {
        return given().auth().oauth2(token(user, role)).contentType(ContentType.JSON).body(body)
                .post("/api/v1/exceptions/" + id + "/" + action).then();
    }

    @Test
    void approvedWithinTheMaximumThenRevokedWithItsHistoryAndAuditTrail() {
        String id = request("alice", "24h");
        decide("alice", "developer", id, "approve", Map.of()).statusCode(403);
        Instant before = Instant.now();
        decide("carol", "exception-approver", id, "approve", Map.of("expiresIn", "2h", "reason", "ok for the incident"))
                .statusCode(200).body("state", equalTo("approved")).body("decidedBy", equalTo("carol"));
        Instant expires = Instant.parse(given().auth().oauth2(token("alice", "developer")).get("/api/v1/exceptions/" + id).then()
                .extract().path("expiresAt"));
        assertThat(expires).isBetween(before.plus(Duration.ofHours(2)).minusSeconds(5), Instant.now().plus(Duration.ofHours(2)));
        decide("carol", "exception-approver", id, "approve", Map.of()).statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("it is approved"));

        decide("dave", "policy-admin", id, "revoke", Map.of()).statusCode(400).body("detail", containsString("reason is required"));
        decide("dave", "policy-admin", id, "revoke", Map.of("reason", "incident closed")).statusCode(200).body("state", equalTo("revoked"));

        given().auth().oauth2(token("alice", "developer")).get("/api/v1/exceptions/" + id + "/history").then().statusCode(200)
                .body("toState", equalTo(List.of("pending", "approved", "revoked")))
                .body("actor", equalTo(List.of("alice", "carol", "dave")));
        assertThat(auditKinds(id)).containsExactly("exception_pending", "exception_approved", "exception_revoked");
        assertThat(publishedStates(id)).containsExactly("pending", "approved", "revoked");
    }

    @Test
    void anOversizedReasonIsRefusedByNameAndARowKafkaCannotTakeNeverHoldsUpARevocation() throws Exception {
        given().auth().oauth2(token("kim", "developer")).contentType(ContentType.JSON)
                .body(Map.of("policy", "approved-mcp-servers", "scope", "user", "reason", "r".repeat(1_500_000), "duration", "1d"))
                .post("/api/v1/exceptions").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.hasItem(containsString("reason")));

        String id = request("kim", "1d");
        decide("ann", "exception-approver", id, "approve", Map.of()).statusCode(200);
        // a row from before the bound, too large for any Kafka record, ahead of the revocation in the outbox
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("insert into outbox (event_id, payload, "
                + "created_at, topic, record_key) values (?1, ?2, now(), 'exception.grants.v1', 'wedge')")
                .setParameter(1, "wedge-" + UUID.randomUUID()).setParameter(2, "{\"reason\":\"" + "w".repeat(1_500_000) + "\"}")
                .executeUpdate());
        decide("dave", "policy-admin", id, "revoke", Map.of("reason", "incident closed")).statusCode(200);

        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(java.util.List.of("exception.grants.v1"));
            java.util.List<String> seen = new java.util.ArrayList<>();
            org.awaitility.Awaitility.await("the revocation behind the oversized row reaches Kafka").atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> {
                        consumer.poll(java.time.Duration.ofMillis(200)).forEach(r -> seen.add(r.key() + " " + r.value()));
                        return seen.stream().anyMatch(v -> v.startsWith(id) && v.contains("revoked"));
                    });
        }
        org.awaitility.Awaitility.await("every row behind the oversized one is marked sent").atMost(java.time.Duration.ofSeconds(30))
                .until(() -> ((Number) io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                        "select count(*) from outbox where sent_at is null and failed_at is null").getSingleResult())).longValue() == 0);
        Object[] wedged = (Object[]) io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select sent_at, failure from outbox where record_key = 'wedge'").getSingleResult());
        org.assertj.core.api.Assertions.assertThat(wedged[0]).as("never sent").isNull();
        org.assertj.core.api.Assertions.assertThat(String.valueOf(wedged[1])).contains("RecordTooLargeException");
    }

    @Test
    void nobodyApprovesTheirOwnAndNothingExceedsTheMaximum() {
        String own = given().auth().oauth2(token("erin", "developer", "exception-approver")).contentType(ContentType.JSON)
                .body(Map.of("policy", "p", "scope", "team", "scopeValue", "payments", "reason", "r", "duration", "1d"))
                .post("/api/v1/exceptions").then().statusCode(201).extract().path("id");
        decide("erin", "exception-approver", own, "approve", Map.of()).statusCode(403).contentType("application/problem+json");

        given().auth().oauth2(token("alice", "developer")).contentType(ContentType.JSON)
                .body(Map.of("policy", "p", "scope", "user", "reason", "r", "duration", "60d"))
                .post("/api/v1/exceptions").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("longer than the organisation's maximum of 30d"));
        given().auth().oauth2(token("alice", "developer")).contentType(ContentType.JSON)
                .body(Map.of("policy", "p", "scope", "team", "reason", "r", "duration", "soon"))
                .post("/api/v1/exceptions").then().statusCode(400).body("detail", containsString("duration must be a duration like"));
        // the refused call behind a request is checked like the rest: each wrong field named
        given().auth().oauth2(token("alice", "developer")).contentType(ContentType.JSON)
                .body(Map.of("policy", "p", "scope", "user", "reason", "r", "duration", "1d",
                        "trigger", Map.of("at", "2026-12-06T10:00:00Z", "tool", "Bash", "detail", "x".repeat(2001))))
                .post("/api/v1/exceptions").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.hasItems(containsString("trigger.eventId"), containsString("trigger.detail")));

        String id = request("frank", "4h");
        decide("carol", "exception-approver", id, "deny", Map.of("reason", "use the approved tracker")).statusCode(200)
                .body("state", equalTo("denied"));
    }

    @Test
    void anApprovedExceptionExpiresByItself() {
        String id = request("grace", "1h");
        decide("carol", "exception-approver", id, "approve", Map.of()).statusCode(200);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "update exception_request set expires_at = now() - interval '1 minute' where id = cast(?1 as uuid)")
                .setParameter(1, id).executeUpdate());

        assertThat(service.expireDue()).isGreaterThanOrEqualTo(1);

        given().auth().oauth2(token("grace", "developer")).get("/api/v1/exceptions/" + id).then().body("state", equalTo("expired"));
        assertThat(auditKinds(id)).containsExactly("exception_pending", "exception_approved", "exception_expired");
    }

    @Test
    void aDeveloperWhoseTokenCarriesAnEmailSeesTheirOwnRequests() {
        // Keycloak tokens carry the e-mail; requests are recorded under it, so the list must look them up by it too.
        String token = Jwt.preferredUserName("ivy").claim("email", "ivy@acme.com").groups(Set.of("developer"))
                .issuer("https://server.example.com").audience("https://service.example.com").jws().keyId("1").sign("privateKey.jwk");
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("policy", "p", "scope", "user", "reason", "r", "duration", "1h"))
                .post("/api/v1/exceptions").then().statusCode(201).body("requester", equalTo("ivy@acme.com")).extract().path("id");
        given().auth().oauth2(token).get("/api/v1/exceptions").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(id));
    }

    /** The states policy-service is told about, keyed by the request, in order. */
    @SuppressWarnings("unchecked")
    private List<String> publishedStates(String id) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select cast(payload as jsonb)->>'state' from outbox where topic = 'exception.grants.v1' and record_key = ?1 order by id")
                .setParameter(1, id).getResultList());
    }

    @SuppressWarnings("unchecked")
    private List<String> auditKinds(String id) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select cast(payload as jsonb)->'change'->>'kind' from outbox where topic = 'audit.events.v1' and payload like ?1 order by id")
                .setParameter(1, "%" + UUID.fromString(id) + "%").getResultList());
    }
}
