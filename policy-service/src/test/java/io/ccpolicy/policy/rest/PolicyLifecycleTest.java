package io.ccpolicy.policy.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.policy.service.PublicationService;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Submit, validate, diff, publish with a canary, promote, roll back - and every change arrives as a chained audit event. */
@QuarkusTest
class PolicyLifecycleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static String admin() {
        return OidcWiremockTestResource.getAccessToken("admin", Set.of("policy-admin"));
    }

    private static String policy(String extraValue) {
        return """
                version: "1.0"
                organization: Acme
                policies:
                  - name: approved-mcp-servers
                    type: allowlist
                    target: mcpServers
                    values: [github-mcp, %s]
                    severity: error
                """.formatted(extraValue);
    }

    private static long submit(String yaml, String note) {
        return given().auth().oauth2(admin()).contentType("application/yaml").queryParam("note", note).body(yaml.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/policies/versions").then().statusCode(201)
                .header("Location", containsString("/api/v1/policies/versions/"))
                .body("author", equalTo("admin")).body("changeNote", equalTo(note))
                .extract().jsonPath().getLong("revision");
    }

    @Test
    void anInvalidDocumentIsRefusedWithLineAndColumnAndNothingIsStored() {
        int before = given().auth().oauth2(admin()).get("/api/v1/policies/versions").then().extract().jsonPath().getList("$").size();
        given().auth().oauth2(admin()).contentType("application/yaml").queryParam("note", "broken")
                .body("version: \"1.0\"\norganization: Acme\npolicies:\n  - name: x\n    type: allowlist\n    target: nowhere\n"
                        .getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/policies/versions").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://ccpolicy.io/problems/invalid-policy"))
                .body("errors[0].field", equalTo("line 4, column 5 (policies[0] (x))"))
                .body("errors.message", hasItem(containsString("nowhere"))).body("errors.message", hasItem("missing required field 'severity'"));
        assertThat(given().auth().oauth2(admin()).get("/api/v1/policies/versions").then().extract().jsonPath().getList("$")).hasSize(before);
    }

    @Test
    void onlyPolicyAdminsWrite() {
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("carol", Set.of("policy-viewer"))).contentType("application/yaml")
                .queryParam("note", "n").body(policy("a").getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies/versions").then().statusCode(403)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/policies/publications").then().statusCode(401);
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("revision", 1, "scope", Map.of("type", "galaxy", "value", "x"), "canaryPercent", 0, "note", "n"))
                .post("/api/v1/policies/publications").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(containsString("canaryPercent"))).body("errors.field", hasItem(containsString("type")));
    }

    @Test
    void anOrganizationPublicationNamedOtherThanAllIsRefusedNotQuietlyWidened() {
        long revision = submit(policy("org-named"), "org named");
        int before = given().auth().oauth2(admin()).get("/api/v1/policies/publications").then().extract().jsonPath().getList("$").size();
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("revision", revision, "scope", Map.of("type", "organization", "value", "acme"), "note", "n"))
                .post("/api/v1/policies/publications").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(containsString("scope"))).body("errors.message", hasItem(containsString("must be \"*\"")));
        assertThat(given().auth().oauth2(admin()).get("/api/v1/policies/publications").then().extract().jsonPath().getList("$"))
                .as("nothing published").hasSize(before);
    }

    @Test
    void publishCanaryPromoteAndRollBackAreAllAudited() throws Exception {
        String team = "team-" + UUID.randomUUID();
        long first = submit(policy("jira-mcp"), "first");
        long second = submit(policy("slack-mcp"), "add slack");

        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("carol", Set.of("policy-viewer")))
                .get("/api/v1/policies/versions/" + second + "/diff?against=" + first).then().statusCode(200)
                .body("[0].kind", equalTo("changed")).body("[0].subject", containsString("approved-mcp-servers"));

        publish(first, team, 100);
        publish(second, team, 30);
        List<String> machines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            machines.add("machine-" + i);
        }
        for (String machine : machines) {
            long expected = PublicationService.bucket(machine) < 30 ? second : first;
            assertThat(revisionFor(team, machine)).as(machine).isEqualTo(expected);
        }
        assertThat(machines.stream().map(m -> revisionFor(team, m)).distinct()).as("both groups exist").hasSize(2);

        publish(second, team, 100);
        assertThat(machines.stream().map(m -> revisionFor(team, m)).distinct()).containsExactly(second);

        long restored = given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("scope", Map.of("type", "team", "value", team), "toRevision", first, "note", "slack leaked data"))
                .post("/api/v1/policies/publications/rollback").then().statusCode(201)
                .body("canaryPercent", equalTo(100)).body("previousRevision", equalTo((int) second))
                .extract().jsonPath().getLong("revision");
        assertThat(restored).isGreaterThan(second);
        String firstSha = given().auth().oauth2(admin()).get("/api/v1/policies/versions/" + first).then().extract().path("sha256");
        given().auth().oauth2(admin()).get("/api/v1/policies/versions/" + restored).then().statusCode(200)
                .body("sha256", equalTo(firstSha)).body("changeNote", startsWith("rollback to revision " + first));
        assertThat(machines.stream().map(m -> revisionFor(team, m)).distinct()).containsExactly(restored);

        List<Map<String, Object>> events = adminEventsOnKafka(team, 5);
        assertThat(events.stream().map(e -> (Object) ((Map<?, ?>) e.get("change")).get("canaryPercent")).toList()).containsExactly(100, 30, 100, 100);
        Map<?, ?> rollback = (Map<?, ?>) events.get(3).get("change");
        assertThat(rollback.get("beforeRevision")).isEqualTo((int) second);
        assertThat(rollback.get("afterSha256")).isEqualTo(firstSha);
        assertThat(events).allSatisfy(e -> assertThat(((Map<?, ?>) e.get("user")).get("email")).isEqualTo("admin"));
    }

    private static void publish(long revision, String team, int canary) {
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("revision", revision, "scope", Map.of("type", "team", "value", team), "canaryPercent", canary, "note", "go"))
                .post("/api/v1/policies/publications").then().statusCode(201).body("canaryPercent", equalTo(canary));
    }

    private static long revisionFor(String team, String machine) {
        return given().auth().oauth2(admin()).get("/api/v1/policies/publications/team/" + team + "/revision?machine=" + machine)
                .then().statusCode(200).extract().jsonPath().getLong("revision");
    }

    /** The publication events of this team, after checking the service's whole chain of administrative events. */
    private List<Map<String, Object>> adminEventsOnKafka(String team, int atLeastPublications) {
        List<Map<String, Object>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("audit.events.v1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    assertThat(r.key()).isEqualTo("service:policy-service");
                    try {
                        all.add(JSON.readValue(r.value(), new TypeReference<Map<String, Object>>() { }));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                return publications(all, team).size() >= atLeastPublications - 1;
            });
        }
        assertThat(AuditChain.verify(all, AuditChain.Head.START)).as("the service's administrative events form one intact chain").isEmpty();
        return publications(all, team);
    }

    private static List<Map<String, Object>> publications(List<Map<String, Object>> events, String team) {
        return events.stream().filter(e -> e.get("change") instanceof Map<?, ?> c && ("team:" + team).equals(c.get("scope"))).toList();
    }
}
