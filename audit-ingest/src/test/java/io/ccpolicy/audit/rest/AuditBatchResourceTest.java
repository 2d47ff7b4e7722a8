package io.ccpolicy.audit.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ccpolicy.audit.repository.AuditEventRepository;
import io.ccpolicy.testinfra.KafkaResource;
import io.ccpolicy.testinfra.PostgresResource;
import io.ccpolicy.testinfra.S3Resource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Audit over HTTPS: an agent's gzip NDJSON batch reaches the store through audit.events.v1, once, however often it is sent. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(value = S3Resource.class, initArgs = @ResourceArg(name = "prefix", value = "audit-ingest.s3"))
@QuarkusTestResource(OidcWiremockTestResource.class)
class AuditBatchResourceTest {

    @Inject
    AuditEventRepository events;

    private static final String DEVELOPER = OidcWiremockTestResource.getAccessToken("alice", Set.of("developer"));

    private static String event(String eventId, String machine) {
        return "{\"version\":\"1.0\",\"timestamp\":\"" + Instant.now() + "\",\"eventId\":\"" + eventId + "\",\"user\":{\"email\":\"alice@acme.com\"},"
                + "\"machine\":{\"id\":\"" + machine + "\"},\"action\":{\"type\":\"tool_execution\",\"tool\":\"Read\",\"result\":\"allowed\"}}";
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    @Test
    void aGzipBatchIsStoredOnceEvenWhenSentTwiceAndItsUnreadableLinesAreNamed() throws Exception {
        String machine = "m-https-" + UUID.randomUUID();
        List<String> ids = List.of("evt_" + UUID.randomUUID(), "evt_" + UUID.randomUUID(), "evt_" + UUID.randomUUID());
        String body = event(ids.get(0), machine) + "\n" + event(ids.get(1), machine) + "\n{\"eventId\": \"evt_no_machine\"}\n\nnot json\n"
                + event(ids.get(2), machine) + "\n";
        for (int attempt = 0; attempt < 2; attempt++) {
            given().auth().oauth2(DEVELOPER).contentType("application/x-ndjson").header("Content-Encoding", "gzip").body(gzip(body))
                    .post("/api/v1/audit/batches").then().statusCode(200)
                    .body("lines", equalTo(5)).body("accepted", equalTo(3))
                    .body("refused.line", equalTo(List.of(3, 5)))
                    .body("refused[0].reason", containsString("/machine is missing"))
                    .body("refused[1].reason", containsString("not a JSON object"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> stored(ids) == 3);
        // the second delivery went through the consumer too: give it the time the first took, then count again
        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events?machine=" + machine).then().statusCode(200)
                .body("events.size()", equalTo(3));
        assertThat(stored(ids)).as("a batch sent again after a lost answer is stored once").isEqualTo(3);
    }

    @Test
    void aPlainBatchIsAcceptedToo() {
        String id = "evt_" + UUID.randomUUID();
        given().auth().oauth2(DEVELOPER).contentType("application/x-ndjson").body(event(id, "m-plain").getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/audit/batches").then().statusCode(200).body("accepted", equalTo(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> stored(List.of(id)) == 1);
    }

    @Test
    void whatCannotBeReadAsABatchIsRefusedWithTheReason() throws Exception {
        given().auth().oauth2(DEVELOPER).contentType("application/x-ndjson").header("Content-Encoding", "gzip")
                .body("plain text, not gzip".getBytes(StandardCharsets.UTF_8)).post("/api/v1/audit/batches").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("not gzip data"));
        byte[] bomb = gzip("\n".repeat(40 * 1024 * 1024));
        assertThat(bomb.length).as("a small body").isLessThan(100_000);
        given().auth().oauth2(DEVELOPER).contentType("application/x-ndjson").header("Content-Encoding", "gzip").body(bomb)
                .post("/api/v1/audit/batches").then().statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("inflates to more than"));
        given().auth().oauth2(DEVELOPER).contentType("application/x-ndjson").header("Content-Encoding", "br").body("{}".getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/audit/batches").then().statusCode(415).body("detail", containsString("send gzip or nothing"));
        given().contentType("application/x-ndjson").body(event("evt_" + UUID.randomUUID(), "m-anon").getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/audit/batches").then().statusCode(401);
    }

    private long stored(List<String> ids) {
        return QuarkusTransaction.requiringNew().call(() -> events.count("eventId in ?1", ids));
    }
}
