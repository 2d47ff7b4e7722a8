package io.ccpolicy.report.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.ccpolicy.agent.testing.AgentTraffic;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.testinfra.ServiceProcess;
import io.ccpolicy.testinfra.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard's API with every part real: overview numbers and anomalies from traffic recorded by the real agent,
 * a violation arriving live over server-sent events, an exception approved and a version published through the
 * dashboard as the signed-in user, and the page itself behind the OIDC login, with no external asset.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {

    private static final String POLICY = "version: \"1.0\"\norganization: Acme\npolicies:\n"
            + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n"
            + "  - {name: warn-sudo, type: denylist, target: bashCommand, values: [\"sudo\"], severity: warning}\n";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/")
    URL reportService;

    private List<ServiceProcess> services = List.of();
    private AgentTraffic traffic;


    @BeforeAll
    void services() throws Exception {
        services = SiblingPorts.startSiblings();
        traffic = new AgentTraffic(Files.createTempDirectory("dashboard-traffic"), bootstrap);
    }

    @AfterAll
    void stop() throws Exception {
        SiblingPorts.stopSiblings(services);
    }

    @Test
    void theOverviewCountsTheWindowAndFlagsAUserFarAboveTheirBaseline() throws Exception {
        traffic.bash("m-eve", Identity.of("eve@acme.com", "web"), POLICY, Clock.systemUTC(), "rm -rf a", "rm -rf b", "rm -rf c", "rm -rf d",
                "rm -rf e", "rm -rf f", "ls");
        // the last call is refused by one policy and warned by another: two policy violations in one call
        traffic.bash("m-sam", Identity.of("sam@acme.com", "web"), POLICY, Clock.systemUTC(), "ls", "rm -rf tmp", "sudo ls", "sudo rm -rf /opt");
        String auditor = TestTokens.of("audrey@acme.com", "audit-reader");
        await().atMost(Duration.ofSeconds(60)).until(() -> overview(auditor).getLong("toolCalls") >= 11);
        JsonPath overview = overview(auditor);
        // The breakdown left out warning-severity policies: it summed to less than the headline's violations.
        assertThat(overview.getList("byPolicy.findAll { it.policy == 'warn-sudo' }.verdict")).containsExactly("warn");
        // The guide's headline counts policy violations as its breakdown does; it counted calls, so a call refused by one
        // policy and warned by another made the breakdown sum to more than the headline (found with the demo fleet).
        assertThat(overview.getList("byPolicy.count", Long.class).stream().mapToLong(Long::longValue).sum()).as("the breakdown sums to the headline")
                .isEqualTo(overview.getLong("violations"));
        assertThat(overview.getList("byPolicy.percent", Double.class).stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(100.0,
                org.assertj.core.data.Offset.offset(0.5));
        assertThat(overview.getList("byPolicy.count", Long.class)).as("largest first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(overview.getLong("denied")).isGreaterThanOrEqualTo(7);
        assertThat(overview.getList("byPolicy.policy")).contains("no-rm");
        assertThat(overview.getList("trend")).hasSizeGreaterThanOrEqualTo(24);
        assertThat(overview.getList("recent.user")).contains("eve@acme.com", "sam@acme.com");
        assertThat(overview.getList("recent.machine")).as("each violation names its machine, for the search by machine").contains("m-eve", "m-sam");
        List<String> machines = given().auth().oauth2(auditor).queryParam("machine", "m-sam").get("/api/v1/dashboard/audit").then()
                .statusCode(200).extract().jsonPath().getList("events.event.machine.id");
        assertThat(machines).as("the dashboard's search passes the machine filter on (it was dropped)").isNotEmpty().containsOnly("m-sam");
        assertThat(overview.getString("recent[0].at")).isGreaterThanOrEqualTo(overview.getString("recent[1].at"));
        assertThat(overview.getList("anomalies.user")).as("six denials against an empty baseline").contains("eve@acme.com")
                .doesNotContain("sam@acme.com");
        assertThat(overview.getList("anomalies.reason", String.class)).anyMatch(r -> r.startsWith("denied calls: 6 in this window, usually 0.0"));

        given().auth().oauth2(auditor).queryParam("window", "90d").get("/api/v1/dashboard/overview").then().statusCode(400)
                .body("detail", containsString("between 1h and 30d"));
    }

    @Test
    void aMistimedEventShowsUnderTheTrailsIntegrity() throws Exception {
        String machine = "m-clock-" + java.util.UUID.randomUUID();
        String eventId = "evt_" + java.util.UUID.randomUUID();
        Map<String, Object> event = io.ccpolicy.engine.audit.AuditChain.seal(new java.util.LinkedHashMap<>(Map.of("version", "1.0",
                "timestamp", "2001-03-04T05:06:07Z", "eventId", eventId, "machine", Map.of("id", machine),
                "user", Map.of("email", "clock@acme.com"), "action", Map.of("type", "tool_execution", "tool", "Bash", "result", "allowed"))),
                io.ccpolicy.engine.audit.AuditChain.Head.START);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of("bootstrap.servers", bootstrap),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("audit.events.v1", machine,
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(event))).get();
        }
        String auditor = TestTokens.of("audrey@acme.com", "audit-reader");
        await().atMost(Duration.ofSeconds(60)).until(() -> overview(auditor).getList("integrity.where", String.class)
                .contains("machine " + machine + ", event " + eventId));
        JsonPath overview = overview(auditor);
        int at = overview.getList("integrity.where", String.class).indexOf("machine " + machine + ", event " + eventId);
        assertThat(overview.getString("integrity[" + at + "].kind")).isEqualTo("clock");
        assertThat(overview.getString("integrity[" + at + "].problem")).startsWith("timestamp 2001-03-04T05:06:07Z is ");
    }

    @Test
    void aViolationDecidedOnAMachineArrivesLiveOverServerSentEvents() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(reportService.toURI()
                .resolve("/api/v1/dashboard/live")).header("Authorization", "Bearer " + TestTokens.of("audrey@acme.com", "audit-reader"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                lines.lines().filter(l -> l.startsWith("data:")).forEach(received::add);
            } catch (Exception closed) {
                // the test closes the stream when it is done
            }
        });
        reader.start();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of("bootstrap.servers", bootstrap),
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            // The live consumer starts at the newest offset: keep deciding until one of this test's violations shows,
            // each behind records the feed cannot read.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                for (String unreadable : List.of("not json", "{\"eventId\": \"e\u0000\", \"timestamp\": \"yesterday\"}")) {
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("audit.events.v1", "m-live", unreadable)).get();
                }
                String event = traffic.bash("m-live-" + System.nanoTime(), Identity.of("liv@acme.com", "web"), POLICY, Clock.systemUTC(),
                        "rm -rf /srv/data").get(0);
                String eventId = event.replaceAll(".*\"eventId\":\"([^\"]+)\".*", "$1");
                return received.stream().anyMatch(d -> d.contains("liv@acme.com")) && !eventId.isEmpty();
            });
        } finally {
            stream.body().close();
        }
        assertThat(received).anyMatch(d -> d.contains("\"verdict\":\"deny\"") && d.contains("\"policies\":[\"no-rm\"]")
                && d.contains("\"tool\":\"Bash\""));
        assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString()).as("records the feed passed over are counted")
                .containsPattern("report_live_unreadable_total(\\{[^}]*\\})? [1-9]");
    }

    @Test
    void anApproverDecidesAndAnAdminPublishesThroughTheDashboardAsThemselves() {
        String exceptions = "http://127.0.0.1:" + SiblingPorts.EXCEPTIONS;
        String id = given().baseUri(exceptions).auth().oauth2(TestTokens.of("erin@acme.com", "developer")).contentType(ContentType.JSON)
                .body(Map.of("policy", "no-rm", "scope", "user", "reason", "cache", "duration", "2h")).post("/api/v1/exceptions")
                .then().statusCode(201).extract().path("id");
        String approver = TestTokens.of("carol@acme.com", "exception-approver");
        given().auth().oauth2(approver).get("/api/v1/dashboard/exceptions").then().statusCode(200).body("find { it.id == '" + id + "' }.state",
                equalTo("pending"));
        given().auth().oauth2(approver).contentType(ContentType.JSON).body(Map.of("reason", "ok"))
                .post("/api/v1/dashboard/exceptions/" + id + "/approve").then().statusCode(400).body("detail", containsString("X-CCPolicy-Dashboard"));
        given().auth().oauth2(approver).header("X-CCPolicy-Dashboard", "1").contentType(ContentType.JSON).body(Map.of("reason", "ok"))
                .post("/api/v1/dashboard/exceptions/" + id + "/approve").then().statusCode(200).body("state", equalTo("approved"))
                .body("decidedBy", equalTo("carol@acme.com"));
        given().auth().oauth2(approver).header("X-CCPolicy-Dashboard", "1").contentType(ContentType.JSON).body(Map.of("reason", "again"))
                .post("/api/v1/dashboard/exceptions/" + id + "/approve").then().statusCode(409).contentType("application/problem+json");

        String admin = TestTokens.of("pat@acme.com", "policy-admin");
        long revision = given().baseUri("http://127.0.0.1:" + SiblingPorts.POLICY).auth().oauth2(admin).contentType("application/yaml")
                .queryParam("note", "dashboard").body(POLICY.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies/versions")
                .then().statusCode(201).extract().jsonPath().getLong("revision");
        given().auth().oauth2(admin).header("X-CCPolicy-Dashboard", "1").contentType(ContentType.JSON)
                .body(Map.of("revision", revision, "scope", Map.of("type", "organization", "value", "*"), "note", "from the dashboard"))
                .post("/api/v1/dashboard/publications").then().statusCode(201).body("publishedBy", equalTo("pat@acme.com"));
        given().auth().oauth2(TestTokens.of("viv@acme.com", "policy-viewer")).get("/api/v1/dashboard/publications").then().statusCode(200)
                .body("[0].revision", equalTo((int) revision));
        given().auth().oauth2(TestTokens.of("viv@acme.com", "policy-viewer")).get("/api/v1/dashboard/me").then().statusCode(200)
                .body("canPublish", equalTo(false)).body("canReadPolicies", equalTo(true)).body("canDecideExceptions", equalTo(false));
    }

    @Test
    void anAdminSeesEnrolledMachinesAndRevokesOneThroughTheDashboard() {
        String machine = "m-dash-" + java.util.UUID.randomUUID();
        given().baseUri("http://127.0.0.1:" + SiblingPorts.POLICY).auth().oauth2(TestTokens.of("erin@acme.com", "developer"))
                .contentType(ContentType.JSON).body(Map.of("machineId", machine, "publicKey",
                        io.ccpolicy.engine.sign.Ed25519.publicKeyPem(io.ccpolicy.engine.sign.Ed25519.generate().getPublic())))
                .post("/api/v1/enrolments").then().statusCode(201);
        String admin = TestTokens.of("pat@acme.com", "policy-admin");
        given().auth().oauth2(TestTokens.of("viv@acme.com", "policy-viewer")).get("/api/v1/dashboard/enrolments").then().statusCode(200)
                .body("find { it.machineId == '" + machine + "' }.email", equalTo("erin@acme.com"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("reason", "stolen"))
                .post("/api/v1/dashboard/enrolments/" + machine + "/revoke").then().statusCode(400).body("detail", containsString("X-CCPolicy-Dashboard"));
        given().auth().oauth2(admin).header("X-CCPolicy-Dashboard", "1").contentType(ContentType.JSON).body(Map.of("reason", "stolen"))
                .post("/api/v1/dashboard/enrolments/" + machine + "/revoke").then().statusCode(200).body("revokedBy", equalTo("pat@acme.com"))
                .body("revokeReason", equalTo("stolen"));
        given().auth().oauth2(TestTokens.of("viv@acme.com", "policy-viewer")).header("X-CCPolicy-Dashboard", "1").contentType(ContentType.JSON)
                .body(Map.of("reason", "x")).post("/api/v1/dashboard/enrolments/" + machine + "/revoke").then().statusCode(403);
    }

    @Test
    void thePageNeedsASignInAndLoadsNothingFromOutside() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(reportService.toURI().resolve("/dashboard/index.html"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as("redirected to the OIDC provider").isEqualTo(302);
        URI login = URI.create(page.headers().firstValue("Location").orElseThrow());
        URI provider = URI.create(org.eclipse.microprofile.config.ConfigProvider.getConfig().getValue("quarkus.oidc.auth-server-url", String.class));
        assertThat(login.getAuthority()).isEqualTo(provider.getAuthority());
        assertThat(login.getQuery()).contains("code_challenge").contains("response_type=code");
        for (String asset : List.of("index.html", "app.js", "app.css")) {
            String content = new String(getClass().getResourceAsStream("/META-INF/resources/dashboard/" + asset).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(content).as(asset + " loads nothing from another site").doesNotContainPattern("(src|href)=\"https?://")
                    .doesNotContain("@import url(http").doesNotContain("cdn");
        }
    }

    private static JsonPath overview(String token) {
        return given().auth().oauth2(token).queryParam("window", "24h").get("/api/v1/dashboard/overview").then().statusCode(200)
                .extract().jsonPath();
    }
}
