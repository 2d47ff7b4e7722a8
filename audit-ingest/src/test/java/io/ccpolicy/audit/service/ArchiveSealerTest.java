package io.ccpolicy.audit.service;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.cli.VerifyAuditCommand;
import io.ccpolicy.audit.config.TestClock;
import io.ccpolicy.engine.audit.ArchiveManifest;
import io.ccpolicy.testinfra.S3ProxyServer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Events through Kafka into the archive, an hour sealed, and the agent's verify-audit (the real command) proving the
 * archive intact, then naming an object altered in S3 and an event altered in PostgreSQL.
 */
@QuarkusTest
@TestProfile(ArchiveSealerTest.OwnArchive.class)
class ArchiveSealerTest {

    /** A fresh application and fresh servers: the other tests put deliberately broken chains into the shared archive. */
    public static class OwnArchive implements QuarkusTestProfile {
    }

    @Inject
    ArchiveSealer sealer;

    @Inject
    ArchiveVerificationSweep sweep;

    @Inject
    ArchiveBucket bucket;

    @Inject
    S3Client s3;

    @Inject
    TestClock clock;

    @Inject
    EntityManager em;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "audit-ingest.s3.endpoint")
    String endpoint;

    @TempDir
    Path dir;

    @Test
    void sealedHoursVerifyAndAlterationsInS3OrPostgresAreNamed() throws Exception {
        String machine = "machine-" + UUID.randomUUID();
        List<String> ids = ChainedEvents.send(bootstrap, machine, "archive@acme.com", Instant.now(), 20);
        await().atMost(Duration.ofSeconds(30)).until(() -> stored(ids) == ids.size());
        Instant hour = ArchiveManifest.hourOf(clock.instant());
        String leftover = ArchiveManifest.objectKey(hour, "audit.events.v1", 0, 999_999, 999_999);
        s3.putObject(b -> b.bucket(bucket.name()).key(leftover), RequestBody.fromBytes("left by a batch that failed after its upload".getBytes(StandardCharsets.UTF_8)));

        clock.advance(Duration.ofHours(1));
        assertThat(sealer.sealThrough(hour)).contains(hour);

        assertThat(s3.listObjectsV2(b -> b.bucket(bucket.name()).prefix(ArchiveManifest.EVENTS_PREFIX)).contents())
                .as("the archive is write-once: an object no committed batch recorded stays").extracting(o -> o.key()).contains(leftover);
        assertThat(new String(s3.getObjectAsBytes(b -> b.bucket(bucket.name()).key(ArchiveManifest.manifestKey(hour))).asByteArray(),
                StandardCharsets.UTF_8)).as("and its hour's signed manifest lists it as abandoned").contains("\"abandoned\":[\"" + leftover + "\"]");
        Path publicKey = Files.writeString(dir.resolve("archive.pub"), given().auth()
                .oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .get("/api/v1/audit/archive/public-key").then().statusCode(200).extract().asString());
        String intact = verifyArchive(publicKey, 0);
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"))).queryParam("from", hour.toString())
                .get("/api/v1/audit/archive/verification").then().statusCode(400).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("from and to are required"));
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"))).queryParam("from", "yesterday")
                .queryParam("to", hour.toString()).get("/api/v1/audit/archive/verification").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("from must be an ISO-8601 timestamp"));
        assertThat(apiVerification(hour).getInt("sealedHours")).isEqualTo(1);
        assertThat(apiVerification(hour).getInt("verifiedHours")).as("not verified before the sweep reaches it").isZero();
        assertThat(sweep.verifyDue()).containsExactly(hour);
        assertThat(sweep.verifyDue()).as("each hour once per sweep").isEmpty();
        io.restassured.path.json.JsonPath verified = apiVerification(hour);
        assertThat(verified.getList("findings")).isEmpty();
        assertThat(verified.getInt("verifiedHours")).isEqualTo(1);
        assertThat(verified.getLong("events")).isEqualTo(ids.size());
        assertThat(intact).contains("verified: nothing altered, removed or added").contains(ArchiveManifest.manifestKey(hour).substring(10, 23));

        String objectKey = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select object_key from archive_object where hour = ?1 order by object_key limit 1").setParameter(1, hour).getSingleResult());
        byte[] original = s3.getObjectAsBytes(b -> b.bucket(bucket.name()).key(objectKey)).asByteArray();
        s3.putObject(b -> b.bucket(bucket.name()).key(objectKey), RequestBody.fromBytes("tampered".getBytes(StandardCharsets.UTF_8)));
        try {
            assertThat(verifyArchive(publicKey, 1)).contains(objectKey + ": altered: SHA-256 is");
            assertThat(apiVerification(hour).getList("findings")).as("found at the next sweep, not before").isEmpty();
            sweep.restartSweep();
            assertThat(sweep.verifyDue()).containsExactly(hour);
            assertThat(apiVerification(hour).getList("findings.where")).as("the same check, recorded for reports").contains(objectKey);
            assertThat(apiVerification(hour).getList("findings.problem", String.class)).anyMatch(p -> p.startsWith("altered: SHA-256 is"));
            assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                    .as("an alertable metric").containsPattern("audit_archive_verification_findings_total(\\{[^}]*\\})? [1-9]");
        } finally {
            s3.putObject(b -> b.bucket(bucket.name()).key(objectKey), RequestBody.fromBytes(original));
        }

        String victim = ids.get(7);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "update audit_event set payload = jsonb_set(payload, '{action,tool}', '\"Read\"') where event_id = ?1")
                .setParameter(1, victim).executeUpdate());
        String removed = ids.get(11);
        String planted = "evt_planted_" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("delete from audit_event where event_id = ?1").setParameter(1, removed).executeUpdate();
            em.createNativeQuery("insert into audit_event select ?1, machine_id, event_type, occurred_at, jsonb_set(payload, '{eventId}', to_jsonb(?1)), "
                    + "ingested_at from audit_event where event_id = ?2").setParameter(1, planted).setParameter(2, ids.get(3)).executeUpdate();
        });
        sweep.restartSweep();
        assertThat(sweep.verifyDue()).containsExactly(hour);
        assertThat(apiVerification(hour).getList("findings", Map.class)).extracting(f -> f.get("where") + ": " + String.valueOf(f.get("problem")).replaceAll(" events/\\S+\\.ndjson\\.gz", " OBJECT"))
                .as("the re-verification of PostgreSQL's rows against the signed archive names each change").containsExactlyInAnyOrder(
                        "PostgreSQL audit_event " + victim + ": altered in PostgreSQL after ingest (differs from its archived copy in OBJECT)",
                        "PostgreSQL audit_event " + removed + ": deleted from PostgreSQL after ingest (the archive object OBJECT holds it)",
                        "PostgreSQL audit_event " + planted + ": in PostgreSQL but in no archive object of its ingest hour "
                                + ArchiveManifest.hourLabel(hour) + " (added after ingest)");
        String export = given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .queryParam("machine", machine).queryParam("from", Instant.now().minus(Duration.ofDays(1)).toString())
                .queryParam("to", Instant.now().plus(Duration.ofDays(1)).toString()).get("/api/v1/audit/events/export").then().statusCode(200).extract().asString();
        Path file = Files.writeString(dir.resolve("export.ndjson"), export);
        assertThat(run(List.of(file.toString()), 1)).contains("(" + victim + "): content does not match its hash (altered)");
    }

    private long stored(List<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "select count(*) from audit_event where event_id = any(?1)").setParameter(1, ids.toArray(String[]::new))
                .getSingleResult()).longValue());
    }

    private String verifyArchive(Path publicKey, int exitCode) throws Exception {
        System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
        return run(List.of("--s3", "s3://" + bucket.name(), "--endpoint", endpoint, "--public-key", publicKey.toString()), exitCode);
    }

    private static String run(List<String> args, int exitCode) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VerifyAuditCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(exitCode);
        return text;
    }

    private static io.restassured.path.json.JsonPath apiVerification(Instant hour) {
        return given().auth().oauth2(OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader")))
                .queryParam("from", hour.toString()).queryParam("to", hour.toString())
                .get("/api/v1/audit/archive/verification").then().statusCode(200).extract().jsonPath();
    }
}
