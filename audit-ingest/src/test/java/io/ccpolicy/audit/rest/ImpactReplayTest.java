package io.ccpolicy.audit.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ccpolicy.agent.testing.AgentTraffic;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.testinfra.ServiceProcess;
import io.ccpolicy.testinfra.SiblingServices;
import io.ccpolicy.testinfra.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Impact analysis on real recorded traffic: tool calls decided by the real hook agent under the organization's policy,
 * shipped through Kafka into this audit-ingest, then replayed by policy-service (packaged, its own process) against a
 * draft, reading the events through this service's query API with the caller's token.
 */
@QuarkusTest
class ImpactReplayTest {

    private static final String CURRENT = "version: \"1.0\"\norganization: Acme\npolicies:\n"
            + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n";
    private static final String DRAFT = "version: \"1.0\"\norganization: Acme\npolicies:\n"
            + "  - {name: no-sudo, type: denylist, target: bashCommand, values: [\"sudo\"], severity: error}\n"
            + "  - {name: approved-paths, type: allowlist, target: writePath, values: [\"~/*\", \"/tmp/claude-*\"], severity: error}\n";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/")
    URL auditIngest;

    @TempDir
    Path dir;


    @Test
    void aDraftIsReplayedOnRecordedCallsAndTheChangedVerdictsAreGroupedByPolicyAndTeam() throws Exception {
        String machine = "machine-impact-" + UUID.randomUUID();
        Instant from = Instant.now().minusSeconds(60);
        try (ServiceProcess policyService = SiblingServices.policyService(Map.of("policy-service.impact.audit-url", auditIngest.toString()))) {
            String admin = TestTokens.of("pat@acme.com", "policy-admin", "audit-reader");
            long current = submit(policyService, admin, CURRENT);
            publish(policyService, admin, current, "organization", "*");
            // the payments team's own layer, in force when the calls below are made
            publish(policyService, admin, submit(policyService, admin, "version: \"1.0\"\norganization: Acme\npolicies:\n"
                    + "  - {name: payments-no-sudo, type: denylist, target: bashCommand, values: [\"sudo\"], severity: error}\n"), "team", "payments");
            long draft = submit(policyService, admin, DRAFT);

            record(machine, Identity.of("bob@acme.com", "payments"), "sudo apt install jq", "rm -rf build", "ls -la");
            record(machine + "-2", Identity.of("ann@acme.com", "web"), "sudo ls");
            Path aliceHome = dir.resolve(machine + "-3");
            new AgentTraffic(dir, bootstrap).record(machine + "-3", Identity.of("alice@acme.com", "platform"), CURRENT, Clock.systemUTC(), List.of(
                    "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"" + aliceHome
                            + "/app/src/a.ts\",\"content\":\"x\"},\"session_id\":\"s-alice\",\"cwd\":\"" + aliceHome + "/app\"}"));
            String auditor = TestTokens.of("audrey@acme.com", "audit-reader");
            await("recorded calls stored").atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(auditor)
                    .queryParam("from", from.toString()).queryParam("machine", machine + "-3").get("/api/v1/audit/events")
                    .then().statusCode(200).extract().jsonPath().getList("events").size() == 1
                    && given().auth().oauth2(auditor).queryParam("user", "bob@acme.com").queryParam("from", from.toString())
                    .get("/api/v1/audit/events").then().statusCode(200).extract().jsonPath().getList("events").size() == 3);

            JsonPath report = given().baseUri(policyService.url("/").toString()).auth().oauth2(admin)
                    .queryParam("from", from.toString()).queryParam("to", Instant.now().plusSeconds(60).toString())
                    .get("/api/v1/policies/versions/" + draft + "/impact").then().statusCode(200).extract().jsonPath();
            assertThat(report.getLong("againstRevision")).isEqualTo(current);
            assertThat(report.getLong("replayed")).isEqualTo(5);
            assertThat(report.getLong("changed")).as(report.prettify()).isEqualTo(1);
            assertThat(report.getList("byPolicyAndTeam", Map.class)).as("bob's sudo was already denied by his team's layer, his rm -rf "
                    + "build stays denied (by approved-paths now); alice's write in her own home stays allowed under ~/*")
                    .containsExactly(group("no-sudo", "web", "allow", "deny"));
            assertThat(report.getLong("withoutHome")).isZero();

            JsonPath payments = given().baseUri(policyService.url("/").toString()).auth().oauth2(admin)
                    .queryParam("from", from.toString()).queryParam("to", Instant.now().plusSeconds(60).toString()).queryParam("team", "payments")
                    .get("/api/v1/policies/versions/" + draft + "/impact").then().statusCode(200).extract().jsonPath();
            assertThat(payments.getLong("replayed")).as("one team's calls only").isEqualTo(3);

            // bob's grant from no-rm, decided before his calls: his rm -rf was allowed then; the draft's approved-paths denies it
            Instant now = Instant.now();
            String grant = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(new io.ccpolicy.engine.bundle.ExceptionStateChange(
                    "grant-" + machine, 2, "approved", "no-rm", null, "user", "bob@acme.com", "bob@acme.com", "release cleanup", "lead@acme.com",
                    now.plus(Duration.ofDays(1)), from.minusSeconds(30), from.minusSeconds(10)).toMap());
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of("bootstrap.servers", bootstrap),
                    new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("exception.grants.v1", "grant-" + machine, grant)).get();
            }
            await("bob's grant replayed").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonPath layered = given().baseUri(policyService.url("/").toString()).auth().oauth2(admin)
                        .queryParam("from", from.toString()).queryParam("to", now.plusSeconds(60).toString())
                        .get("/api/v1/policies/versions/" + draft + "/impact").then().statusCode(200).extract().jsonPath();
                assertThat(layered.getList("byPolicyAndTeam", Map.class)).containsExactly(group("approved-paths", "payments", "allow", "deny"),
                        group("no-sudo", "web", "allow", "deny"));
            });

            given().baseUri(policyService.url("/").toString()).auth().oauth2(TestTokens.of("pat@acme.com", "policy-admin"))
                    .queryParam("from", from.toString()).queryParam("to", Instant.now().toString())
                    .get("/api/v1/policies/versions/" + draft + "/impact").then().statusCode(403).contentType("application/problem+json")
                    .body("detail", containsString("audit-reader"));
            given().baseUri(policyService.url("/").toString()).auth().oauth2(admin).queryParam("from", "yesterday").queryParam("to", "now")
                    .get("/api/v1/policies/versions/" + draft + "/impact").then().statusCode(400)
                    .body("detail", containsString("from must be an ISO-8601 timestamp"));
        }
    }

    private static Map<String, Object> group(String policy, String team, String before, String after) {
        Map<String, Object> group = new HashMap<>();
        group.put("policy", policy);
        group.put("team", team);
        group.put("before", before);
        group.put("after", after);
        group.put("events", 1);
        return group;
    }

    private static void publish(ServiceProcess policyService, String admin, long revision, String type, String value) {
        given().baseUri(policyService.url("/").toString()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("revision", revision, "scope", Map.of("type", type, "value", value), "note", "in force"))
                .post("/api/v1/policies/publications").then().statusCode(201);
    }

    private static long submit(ServiceProcess policyService, String admin, String yaml) {
        return given().baseUri(policyService.url("/").toString()).auth().oauth2(admin).contentType("application/yaml").queryParam("note", "impact")
                .body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies/versions").then().statusCode(201)
                .extract().jsonPath().getLong("revision");
    }

    private void record(String machine, Identity user, String... commands) throws Exception {
        new AgentTraffic(dir, bootstrap).bash(machine, user, CURRENT, Clock.systemUTC(), commands);
    }
}
