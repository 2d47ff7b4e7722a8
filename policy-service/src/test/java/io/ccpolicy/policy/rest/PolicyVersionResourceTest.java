package io.ccpolicy.policy.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.ccpolicy.policy.entity.PolicyVersionEntity;
import io.ccpolicy.policy.repository.PolicyVersionRepository;
import io.ccpolicy.testinfra.KafkaResource;
import io.ccpolicy.testinfra.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(KafkaResource.class)
class PolicyVersionResourceTest {

    @Inject
    PolicyVersionRepository versions;

    @Test
    void viewerWithARealTokenReadsVersionsFromTheDatabase() {
        long revision = QuarkusTransaction.requiringNew().call(() -> {
            PolicyVersionEntity version = new PolicyVersionEntity();
            version.revision = versions.nextRevisionLocked();
            version.document = "version: \"1.0\"\n";
            version.sha256 = "a".repeat(64);
            version.author = "admin@acme.com";
            version.changeNote = "first";
            version.createdAt = Instant.parse("2026-11-24T10:00:00Z");
            versions.persist(version);
            return version.revision;
        });

        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("carol", Set.of("policy-viewer")))
                .get("/api/v1/policies/versions")
                .then().statusCode(200)
                .body("[0].revision", equalTo((int) revision))
                .body("[0].author", equalTo("admin@acme.com"))
                .body("[0].createdAt", equalTo("2026-11-24T10:00:00Z"));
    }

    @Test
    void requestWithoutATokenIsRefusedWith401ProblemJson() {
        given().get("/api/v1/policies/versions")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("type", equalTo("https://ccpolicy.io/problems/unauthenticated"))
                .body("status", equalTo(401));
    }

    @Test
    void forgedTokenIsRefusedWith401() {
        given().auth().oauth2("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl")
                .get("/api/v1/policies/versions")
                .then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void developerRoleIsRefusedWith403ProblemJson() {
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("alice", Set.of("developer")))
                .get("/api/v1/policies/versions")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://ccpolicy.io/problems/forbidden"))
                .body("instance", equalTo("/api/v1/policies/versions"));
    }

    @Test
    void unknownPathIsAProblemToo() {
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("carol", Set.of("policy-viewer")))
                .get("/api/v1/nothing-here")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://ccpolicy.io/problems/not-found"));
    }

    @Test
    void operationalEndpointsReflectTheDatabase() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/policies/versions'.get.summary", equalTo("Policy document versions, newest first"))
                .body("paths.'/api/v1/policies/publications'.post.responses.keySet()", hasItem("201"))
                .body("paths.'/api/v1/policies/publications'.post.responses.keySet()", org.hamcrest.Matchers.not(hasItem("200")))
                .body("paths.'/api/v1/policies/publications/rollback'.post.responses.keySet()", hasItem("201"))
                .body("components.schemas.Scope.properties.keySet()", org.hamcrest.Matchers.not(hasItem("organizationValueAll")));
        given().get("/q/metrics").then().statusCode(200).body(org.hamcrest.Matchers.containsString("jvm_memory_used_bytes"));
    }
}
