package io.ccpolicy.audit.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.audit.config.TestClock;
import io.ccpolicy.engine.audit.ArchiveManifest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * bin/platform demo --clear: the demo fleet's events leave PostgreSQL, the clearing is recorded, and the archive sweep
 * takes the cleared rows for what they are while still naming every other row that went missing.
 */
@QuarkusTest
@TestProfile(DemoDataClearTest.OwnArchive.class)
class DemoDataClearTest {

    /** A fresh application: the sweep's cursor and the archive's hours are this test's own. */
    public static class OwnArchive implements QuarkusTestProfile {
    }

    @Inject
    ArchiveSealer sealer;

    @Inject
    ArchiveVerificationSweep sweep;

    @Inject
    TestClock clock;

    @Inject
    EntityManager em;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void clearedDemoRowsAreNoFindingButADeletedRealRowAndADemoRowDeletedBehindItsBackAre() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> demo = send("demo-" + run + "-laptop", 5);
        List<String> sneaky = send("demo-" + run + "-sneaky", 2);
        List<String> real = send("machine-" + run, 3);
        List<String> all = new ArrayList<>(demo);
        all.addAll(sneaky);
        all.addAll(real);
        await().atMost(Duration.ofSeconds(30)).until(() -> stored(all) == all.size());
        assertThat(summary().getLong("totals.demo")).isEqualTo(7);

        Instant hour = ArchiveManifest.hourOf(clock.instant());
        clock.advance(Duration.ofHours(1));
        assertThat(sealer.sealThrough(hour)).contains(hour);

        // deleted without clearing: a demo machine's name excuses nothing
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("delete from audit_event where event_id = any(?1)")
                .setParameter(1, new String[] {sneaky.get(0), real.get(0)}).executeUpdate());

        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("dev", Set.of("developer"))).delete("/api/v1/audit/events/demo")
                .then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("pat", Set.of("policy-admin"))).delete("/api/v1/audit/events/demo")
                .then().statusCode(200).body("cleared", org.hamcrest.Matchers.is(6));
        assertThat(stored(all)).as("only the real machine's other rows are left").isEqualTo(2);
        assertThat(summary().getLong("totals.demo")).isZero();
        assertThat(QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select actor || ': ' || detail from audit_admin_action where action = 'demo_data_cleared'").getSingleResult()))
                .isEqualTo("pat: removed 6 event(s) of demo machines (demo-*); the archive keeps its sealed copies");

        assertThat(sweep.verifyDue()).containsExactly(hour);
        List<String> findings = given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .queryParam("from", hour.toString()).queryParam("to", hour.toString()).get("/api/v1/audit/archive/verification")
                .then().statusCode(200).extract().jsonPath().getList("findings.where", String.class);
        assertThat(findings).as("the cleared demo rows are expected, the two deleted behind its back are not")
                .containsExactlyInAnyOrder("PostgreSQL audit_event " + sneaky.get(0), "PostgreSQL audit_event " + real.get(0));
    }

    private List<String> send(String machine, int count) throws Exception {
        return ChainedEvents.send(bootstrap, machine, "ana@demo.acme.example", clock.instant(), count);
    }

    private long stored(List<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from audit_event where event_id = any(?1)").setParameter(1, ids.toArray(String[]::new))
                .getSingleResult()).longValue());
    }

    private io.restassured.path.json.JsonPath summary() {
        return given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .queryParam("from", clock.instant().minus(Duration.ofDays(1)).toString())
                .queryParam("to", clock.instant().plus(Duration.ofDays(1)).toString()).get("/api/v1/audit/events/summary")
                .then().statusCode(200).extract().jsonPath();
    }
}
