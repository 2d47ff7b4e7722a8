package io.ccpolicy.report.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.ccpolicy.report.entity.ReportRunEntity;
import io.ccpolicy.report.repository.ReportRunRepository;
import io.ccpolicy.testinfra.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ReportRunResourceTest {

    @Inject
    ReportRunRepository runs;

    @Test
    void auditorReadsReportRunsFromTheDatabaseNewestFirst() {
        QuarkusTransaction.requiringNew().run(() -> {
            runs.deleteAll();
            runs.persist(run("soc2", "2026-11-01T00:00:00Z"));
            runs.persist(run("hipaa", "2026-11-02T00:00:00Z"));
        });
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .get("/api/v1/reports/runs")
                .then().statusCode(200)
                .body("kind", contains("hipaa", "soc2"));
    }

    @Test
    void limitOutOfRangeIs400ProblemNamingTheParameter() {
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .get("/api/v1/reports/runs?limit=0")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://ccpolicy.io/problems/invalid-request"))
                .body("errors[0].field", equalTo("latest.limit"));
    }

    @Test
    void noTokenIs401AndViewerIs403() {
        given().get("/api/v1/reports/runs").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("carol", Set.of("policy-viewer")))
                .get("/api/v1/reports/runs").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void readinessReflectsTheDatabase() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("Database connections health check"));
    }

    private static ReportRunEntity run(String kind, String createdAt) {
        ReportRunEntity r = new ReportRunEntity();
        r.id = UUID.randomUUID();
        r.kind = kind;
        r.format = "pdf";
        r.periodFrom = Instant.parse("2026-10-01T00:00:00Z");
        r.periodTo = Instant.parse("2026-11-01T00:00:00Z");
        r.requestedBy = "audrey";
        r.createdAt = Instant.parse(createdAt);
        return r;
    }
}
