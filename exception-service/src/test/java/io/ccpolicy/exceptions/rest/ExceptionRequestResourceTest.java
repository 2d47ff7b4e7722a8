package io.ccpolicy.exceptions.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import io.ccpolicy.exceptions.entity.ExceptionRequestEntity;
import io.ccpolicy.exceptions.repository.ExceptionRequestRepository;
import io.ccpolicy.testinfra.KafkaResource;
import io.ccpolicy.testinfra.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(KafkaResource.class)
class ExceptionRequestResourceTest {

    @Inject
    ExceptionRequestRepository requests;

    @BeforeEach
    void twoRequestsFromTwoDevelopers() {
        QuarkusTransaction.requiringNew().run(() -> {
            requests.getEntityManager().createQuery("delete from ExceptionEventEntity").executeUpdate();
            requests.deleteAll();
            requests.persist(request("alice", "approved-mcp-servers"));
            requests.persist(request("bob", "protected-paths"));
        });
    }

    @Test
    void approverSeesEveryRequestFromTheDatabase() {
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("sam", Set.of("exception-approver")))
                .get("/api/v1/exceptions")
                .then().statusCode(200)
                .body("requester", containsInAnyOrder("alice", "bob"))
                .body("requestedDuration", hasItem("PT24H"));
    }

    @Test
    void developerSeesOnlyTheirOwn() {
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("alice", Set.of("developer")))
                .get("/api/v1/exceptions")
                .then().statusCode(200)
                .body("policy", contains("approved-mcp-servers"));
    }

    @Test
    void noTokenIs401AnAgentIs403AndAnAuditorReadsEveryRequest() {
        given().get("/api/v1/exceptions").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .get("/api/v1/exceptions").then().statusCode(200).body("requester", hasItems("alice", "bob"));
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("machine", Set.of("agent")))
                .get("/api/v1/exceptions")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("https://ccpolicy.io/problems/forbidden"));
    }

    @Test
    void readinessReflectsTheDatabase() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("Database connections health check"));
    }

    private static ExceptionRequestEntity request(String requester, String policy) {
        ExceptionRequestEntity e = new ExceptionRequestEntity();
        e.id = UUID.randomUUID();
        e.policyName = policy;
        e.scopeType = "user";
        e.scopeValue = requester + "@acme.com";
        e.requester = requester;
        e.reason = "needed for incident 42";
        e.requestedDuration = Duration.ofHours(24);
        e.state = "pending";
        e.createdAt = Instant.parse("2026-11-24T10:00:00Z");
        e.updatedAt = e.createdAt;
        return e;
    }
}
