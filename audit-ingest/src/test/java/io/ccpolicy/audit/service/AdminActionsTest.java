package io.ccpolicy.audit.service;

import io.ccpolicy.audit.domain.IncomingEvent;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.ccpolicy.audit.repository.AuditEventRepository;
import io.ccpolicy.audit.repository.IngestRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
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

    @Inject
    IngestRepository ingest;

    @Inject
    EntityManager em;

    private String store(String email, Instant at) {
        return store(email, at, Instant.now());
    }

    private String store(String email, Instant occurredAt, Instant ingestedAt) {
        String id = "evt_" + UUID.randomUUID();
        store(id, email, occurredAt, ingestedAt);
        return id;
    }

    private Set<String> store(String id, String email, Instant occurredAt, Instant ingestedAt) {
        String payload = "{\"eventId\":\"" + id + "\",\"user\":{\"email\":\"" + email + "\"}}";
        IncomingEvent event = new IncomingEvent(id, "machine-admin", "tool_execution", occurredAt, payload, Map.of(), 0, 0);
        return QuarkusTransaction.requiringNew().call(() -> {
            ingest.ensurePartition(ingestedAt);
            return ingest.insertNew(List.of(event), Map.of(), ingestedAt);
        });
    }

    @Test
    void retentionFollowsIngestTimeNotTheAgentsClock() {
        Instant longAgo = Instant.now().minus(Duration.ofDays(500));
        String expired = store("old@acme.com", Instant.now(), longAgo);
        String laptopIn2001 = store("old@acme.com", Instant.parse("2001-03-04T05:06:07Z"), Instant.now());
        String recent = store("old@acme.com", Instant.now().minus(Duration.ofDays(5)));

        String oldMonth = "audit_event_" + DateTimeFormatter.ofPattern("yyyy_MM").withZone(ZoneOffset.UTC).format(longAgo);
        assertThat(partitions()).contains(oldMonth).doesNotContain("audit_event_2001_03");

        assertThat(admin.applyRetention()).isGreaterThanOrEqualTo(1);

        assertThat(partitions()).as("the expired month is dropped as a whole partition").doesNotContain(oldMonth);
        assertThat(QuarkusTransaction.requiringNew().call(() -> events.findByIdOptional(expired))).isEmpty();
        assertThat(QuarkusTransaction.requiringNew().call(() -> events.findByIdOptional(laptopIn2001)))
                .as("an event stamped 2001 by a wrong clock but ingested today is kept").isPresent();
        assertThat(QuarkusTransaction.requiringNew().call(() -> events.findByIdOptional(recent))).isPresent();
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .get("/api/v1/audit/events/admin-actions").then().statusCode(200).body("action", hasItem("retention"));
    }

    @Test
    void anEventRedeliveredInAnotherMonthIsStoredOnce() {
        String id = "evt_" + UUID.randomUUID();
        Instant occurred = Instant.now().minus(Duration.ofDays(40));
        assertThat(store(id, "twice@acme.com", occurred, Instant.now().minus(Duration.ofDays(35)))).containsExactly(id);
        assertThat(store(id, "twice@acme.com", occurred, Instant.now())).as("redelivered a month later").isEmpty();
        assertThat(((Number) QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select count(*) from audit_event where event_id = ?1").setParameter(1, id).getSingleResult())).longValue()).isEqualTo(1);
    }

    @SuppressWarnings("unchecked")
    private List<String> partitions() {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_event'::regclass")
                .getResultList());
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
