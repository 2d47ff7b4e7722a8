package io.ccpolicy.report.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.ccpolicy.agent.testing.AgentTraffic;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.testinfra.KafkaResource;
import io.ccpolicy.testinfra.PostgresResource;
import io.ccpolicy.testinfra.S3Resource;
import io.ccpolicy.testinfra.ServiceProcess;
import io.ccpolicy.testinfra.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SOC 2 and HIPAA reports asserted against a known period: policy versions and publications made through policy-service,
 * an exception requested, approved and revoked through exception-service, and tool calls decided by the real agent and
 * stored by audit-ingest (all three packaged, each its own process). The numbers, the evidence and the gaps in the
 * JSON, CSV and PDF forms are the ones that period must produce.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(value = S3Resource.class, initArgs = @ResourceArg(name = "prefix", value = "audit-ingest.s3"))
@QuarkusTestResource(SiblingPorts.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComplianceReportTest {

    private static final String ORGANIZATION = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
            """;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private List<ServiceProcess> services = List.of();
    private Instant from;
    private Instant to;
    private String exceptionId;


    @BeforeAll
    void aKnownPeriod() throws Exception {
        services = SiblingPorts.startSiblings();
        from = Instant.now().minus(Duration.ofHours(4));
        String policy = "http://127.0.0.1:" + SiblingPorts.POLICY;
        String exceptions = "http://127.0.0.1:" + SiblingPorts.EXCEPTIONS;

        long first = submit(policy, "pat@acme.com", ORGANIZATION, "no rm -rf");
        publish(policy, first, "pat@acme.com");
        long second = submit(policy, "dana@acme.com", ORGANIZATION
                + "  - {name: no-curl, type: denylist, target: bashCommand, values: [curl], severity: warning}\n", "warn on curl");
        publish(policy, second, "pat@acme.com");

        exceptionId = given().baseUri(exceptions).auth().oauth2(TestTokens.of("erin@acme.com", "developer")).contentType(ContentType.JSON)
                .body(Map.of("policy", "no-rm", "scope", "user", "reason", "clean the build cache", "duration", "4h"))
                .post("/api/v1/exceptions").then().statusCode(201).extract().path("id");
        given().baseUri(exceptions).auth().oauth2(TestTokens.of("carol@acme.com", "exception-approver")).contentType(ContentType.JSON)
                .body(Map.of("expiresIn", "1h", "reason", "ok")).post("/api/v1/exceptions/" + exceptionId + "/approve").then().statusCode(200);
        String granted = ORGANIZATION + "exceptions:\n  - {id: " + exceptionId + ", user: erin@acme.com, exempt_from: [no-rm], reason: cache,"
                + " approved_by: carol@acme.com, expires: \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}\n";

        Path dir = Files.createTempDirectory("report-traffic");
        AgentTraffic traffic = new AgentTraffic(dir, bootstrap);
        Clock threeHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(3)), java.time.ZoneOffset.UTC);
        traffic.bash("m-bob", Identity.of("bob@acme.com", "payments"), ORGANIZATION, threeHoursAgo, "rm -rf build", "ls");
        traffic.bash("m-erin", Identity.of("erin@acme.com", "payments"), granted, Clock.systemUTC(), "rm -rf .cache");
        traffic.bash("m-shared", Identity.of(""), ORGANIZATION, Clock.systemUTC(), "ls");
        given().baseUri(exceptions).auth().oauth2(TestTokens.of("pat@acme.com", "policy-admin")).contentType(ContentType.JSON)
                .body(Map.of("reason", "done")).post("/api/v1/exceptions/" + exceptionId + "/revoke").then().statusCode(200);
        // An agent that was offline and never saw the revocation keeps using the exception: the report must say so.
        traffic.bash("m-erin-offline", Identity.of("erin@acme.com", "payments"), granted, Clock.systemUTC(), "rm -rf .cache");
        to = Instant.now().plus(Duration.ofMinutes(5));

        String auditor = TestTokens.of("audrey@acme.com", "audit-reader");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonPath totals = given().baseUri("http://127.0.0.1:" + SiblingPorts.AUDIT).auth().oauth2(auditor)
                    .queryParam("from", from.toString()).queryParam("to", to.toString()).get("/api/v1/audit/events/summary")
                    .then().statusCode(200).extract().jsonPath();
            // 5 tool calls; 7 administrative changes: 2 versions, 2 publications, requested, approved, revoked.
            return totals.getLong("totals.toolCalls") == 5 && totals.getLong("totals.adminChanges") == 7;
        });
    }

    @AfterAll
    void stopServices() throws Exception {
        SiblingPorts.stopSiblings(services);
    }

    @Test
    void soc2ControlsStateTheNumbersEvidenceAndGapsOfThePeriod() {
        JsonPath report = given().auth().oauth2(TestTokens.of("audrey@acme.com", "audit-reader")).queryParam("from", from.toString())
                .queryParam("to", to.toString()).get("/api/v1/reports/soc2").then().statusCode(200).extract().jsonPath();
        assertThat(report.getString("status")).isEqualTo("gaps");
        assertThat(report.getList("controls.id")).containsExactly("CC6.1", "CC7.2", "CC8.1");

        Map<String, Integer> access = metrics(report, 0);
        assertThat(access).containsEntry("policies in force (organization)", 2).containsEntry("tool calls evaluated", 5)
                .containsEntry("calls denied", 1).containsEntry("users", 2).containsEntry("events without identity", 1);
        assertThat(report.getList("controls[0].evidence", String.class)).contains("Denied calls by policy: no-rm 1",
                "Denied calls by user: bob@acme.com 1");
        assertThat(report.getList("controls[0].gaps", String.class)).containsExactly("1 event carries no user identity.");

        // the three rm -rf delete files: Bash writes are file modifications
        assertThat(metrics(report, 1)).containsEntry("tool executions", 5).containsEntry("file modifications", 3)
                .containsEntry("machines", 4).containsEntry("hash-chain breaks", 0);
        assertThat(report.getList("controls[1].evidence", String.class)).contains("Tool calls by tool: Bash 5");

        assertThat(metrics(report, 2)).containsEntry("policy versions written", 2).containsEntry("publications", 2)
                .containsEntry("exceptions granted", 1).containsEntry("exceptions used", 1).containsEntry("administrative changes recorded", 7);
        assertThat(report.getList("controls[2].evidence", String.class)).anyMatch(e -> e.startsWith("Exception " + exceptionId
                + ": no-rm, user erin@acme.com, requested by erin@acme.com, approved by carol@acme.com"));
        assertThat(report.getList("controls[2].gaps", String.class)).hasSize(2)
                .anyMatch(g -> g.startsWith("Revision 1 was published by its own author (pat@acme.com)"))
                .anyMatch(g -> g.startsWith("Exception " + exceptionId + " was used at") && g.contains("after it was revoked at")
                        && g.contains("by pat@acme.com"));

        given().auth().oauth2(TestTokens.of("audrey@acme.com", "audit-reader")).get("/api/v1/reports/runs").then().statusCode(200)
                .body("kind", org.hamcrest.Matchers.hasItem("soc2"));
    }

    @Test
    void hipaaNamesMissingIdentityAndUnprovenOriginAndFindsTheChainsIntact() {
        JsonPath report = given().auth().oauth2(TestTokens.of("audrey@acme.com", "audit-reader")).queryParam("from", from.toString())
                .queryParam("to", to.toString()).get("/api/v1/reports/hipaa").then().statusCode(200).extract().jsonPath();
        assertThat(report.getList("controls.id")).containsExactly("164.312(a)(1)", "164.312(b)", "164.312(c)(1)", "164.312(d)");
        assertThat(report.getList("controls.status")).containsExactly("gaps", "satisfied", "gaps", "gaps");
        assertThat(metrics(report, 2)).containsEntry("hash-chain breaks", 0).containsEntry("archive findings", 0);
        // The test's machines are not enrolled (audit-ingest records them, enrolment.mode=record): their events prove no origin.
        assertThat(report.getList("controls[2].gaps", String.class)).singleElement().asString()
                .matches("\\d+ events were stored without proof of origin \\(machine not enrolled, or unsigned.*");
        // The archive is sealed by the hour it was written in; nothing written in this test is sealed yet, and the report says so.
        assertThat(report.getList("notes", String.class)).anyMatch(n -> n.startsWith("No hour of the period is sealed in the archive yet"));
        assertThat(metrics(report, 3)).containsEntry("administrative changes", 7).containsEntry("changes without an actor", 0);
    }

    @Test
    void csvAndPdfCarryTheSameReport() throws Exception {
        String csv = given().auth().oauth2(TestTokens.of("audrey@acme.com", "audit-reader")).queryParam("from", from.toString())
                .queryParam("to", to.toString()).queryParam("format", "csv").get("/api/v1/reports/soc2").then().statusCode(200)
                .contentType(containsString("text/csv")).header("Content-Disposition", containsString("soc2-report-")).extract().asString();
        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo("framework,period_from,period_to,control,control_title,control_status,kind,name,value");
        assertThat(csv).contains(",CC6.1,Logical access: policy enforcement before every tool call,gaps,metric,calls denied,1\r\n")
                .contains(",CC8.1,").contains("gap,,Revision 1 was published by its own author");

        byte[] pdf = given().auth().oauth2(TestTokens.of("audrey@acme.com", "audit-reader")).queryParam("from", from.toString())
                .queryParam("to", to.toString()).queryParam("format", "pdf").get("/api/v1/reports/hipaa").then().statusCode(200)
                .contentType("application/pdf").extract().asByteArray();
        Files.createDirectories(Path.of("target/reports"));
        Files.write(Path.of("target/reports/hipaa-report.pdf"), pdf);
        try (PDDocument document = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(document);
            assertThat(text).contains("HIPAA Security Rule").contains("GAPS FOUND").contains("164.312(c)(1)")
                    .contains("events without identity: 1").contains("page 1 of " + document.getNumberOfPages());
        }
    }

    @Test
    void onlyAuditorsGetReportsAndBadParametersAreNamed() {
        given().auth().oauth2(TestTokens.of("dev@acme.com", "developer")).queryParam("from", from.toString()).queryParam("to", to.toString())
                .get("/api/v1/reports/soc2").then().statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(TestTokens.of("audrey@acme.com", "audit-reader")).queryParam("from", from.toString()).queryParam("to", to.toString())
                .get("/api/v1/reports/iso27001").then().statusCode(400).body("errors[0].message", containsString("must be soc2 or hipaa"));
        given().auth().oauth2(TestTokens.of("audrey@acme.com", "audit-reader")).queryParam("from", to.toString()).queryParam("to", from.toString())
                .get("/api/v1/reports/soc2").then().statusCode(400).body("detail", containsString("must be before"));
        given().auth().oauth2(TestTokens.of("audrey@acme.com", "audit-reader")).queryParam("from", from.toString()).queryParam("to", to.toString())
                .queryParam("format", "docx").get("/api/v1/reports/soc2").then().statusCode(400)
                .body("errors[0].message", containsString("must be json, csv or pdf"));
    }

    private static Map<String, Integer> metrics(JsonPath report, int control) {
        Map<String, Integer> metrics = new java.util.LinkedHashMap<>();
        List<Map<String, Object>> list = report.getList("controls[" + control + "].metrics");
        list.forEach(m -> metrics.put((String) m.get("name"), ((Number) m.get("value")).intValue()));
        return metrics;
    }

    private static long submit(String policy, String author, String yaml, String note) {
        return given().baseUri(policy).auth().oauth2(TestTokens.of(author, "policy-admin")).contentType("application/yaml").queryParam("note", note)
                .body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/v1/policies/versions").then().statusCode(201)
                .extract().jsonPath().getLong("revision");
    }

    private static void publish(String policy, long revision, String publisher) {
        given().baseUri(policy).auth().oauth2(TestTokens.of(publisher, "policy-admin")).contentType(ContentType.JSON)
                .body(Map.of("revision", revision, "scope", Map.of("type", "organization", "value", "*"), "note", "roll out"))
                .post("/api/v1/policies/publications").then().statusCode(201);
    }
}
