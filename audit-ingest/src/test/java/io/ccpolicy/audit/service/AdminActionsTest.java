package io.ccpolicy.audit.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.ccpolicy.audit.entity.AuditEventEntity;
import io.ccpolicy.audit.repository.AuditEventRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Retention and data-subject exports, each recorded as an action on the audit store (infrastructure from the module's resources). */
@QuarkusTest
class AdminActionsTest {

    @Inject
    AuditEventRepository events;

    @Inject
    AdminActions admin;

    private String store(String email, Instant at) {
        String id = "evt_" + UUID.randomUUID();
        AuditEventEntity event = new AuditEventEntity();
        event.eventId = id;
        event.machineId = "machine-admin";
        event.eventType = "tool_execution";
        event.occurredAt = at;
        event.ingestedAt = Instant.now();
        event.payload = "{\"eventId\":\"" + id + "\",\"user\":{\"email\":\"" + email + "\"}}";
        QuarkusTransaction.requiringNew().run(() -> events.insertIfAbsent(event));
        return id;
    }

    @Test
    void retentionDeletesOnlyExpiredEventsAndRecordsThat() {
        String old = store("old@acme.com", Instant.now().minus(Duration.ofDays(500)));
        String recent = store("old@acme.com", Instant.now().minus(Duration.ofDays(5)));

        assertThat(admin.applyRetention()).isGreaterThanOrEqualTo(1);

        assertThat(QuarkusTransaction.requiringNew().call(() -> events.findByIdOptional(old))).isEmpty();
        assertThat(QuarkusTransaction.requiringNew().call(() -> events.findByIdOptional(recent))).isPresent();
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .get("/api/v1/audit/events/admin-actions").then().statusCode(200).body("action", hasItem("retention"));
    }

    @Test
    void aDataSubjectExportHasAllTheirEventsAndIsRecordedWithWhoAskedForIt() {
        String subject = "subject-" + UUID.randomUUID() + "@acme.com";
        String a = store(subject, Instant.now().minus(Duration.ofDays(2)));
        String b = store(subject, Instant.now().minus(Duration.ofDays(1)));
        store("someone-else@acme.com", Instant.now());
        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));

        String export = given().auth().oauth2(auditor).get("/api/v1/audit/events/subjects/" + subject).then().statusCode(200)
                .extract().asString();

        assertThat(export.lines().toList()).hasSize(2);
        assertThat(export).contains(a).contains(b).doesNotContain("someone-else");
        given().auth().oauth2(auditor).get("/api/v1/audit/events/admin-actions").then().statusCode(200)
                .body("detail", hasItem("exported the events of " + subject)).body("actor", hasItem("audrey"));
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("alice", Set.of("developer")))
                .get("/api/v1/audit/events/subjects/" + subject).then().statusCode(403);
    }
}
