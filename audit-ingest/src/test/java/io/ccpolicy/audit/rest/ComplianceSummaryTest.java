package io.ccpolicy.audit.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.testing.AgentTraffic;
import io.ccpolicy.engine.model.Identity;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compliance summary of a period, asserted number by number on traffic recorded by the real agent on one day. */
@QuarkusTest
class ComplianceSummaryTest {

    private static final String POLICY = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
              - {name: ask-push, type: denylist, target: bashCommand, values: ["git push"], severity: error, on_violation: ask}
              - {name: no-curl, type: denylist, target: bashCommand, values: ["curl"], severity: warning}
            exceptions:
              - {id: exc-ops, user: ops@acme.com, exempt_from: [no-rm], reason: cleanup, approved_by: lead, expires: "2026-03-01T12:00:00Z"}
            """;
    private static final Instant DAY = Instant.parse("2026-03-01T00:00:00Z");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    DataSource dataSource;

    @TempDir
    Path dir;

    @Test
    void aDayOfRecordedTrafficIsSummarisedExactly() throws Exception {
        Clock tenOClock = Clock.fixed(DAY.plus(Duration.ofHours(10)), ZoneOffset.UTC);
        AgentTraffic traffic = new AgentTraffic(dir, bootstrap);
        traffic.bash("m-bob", Identity.of("bob@acme.com", "payments"), POLICY, tenOClock, "rm -rf build", "rm -rf dist", "ls", "git push origin main");
        traffic.record("m-bob-2", Identity.of("bob@acme.com", "payments"), POLICY, tenOClock, List.of("{\"hook_event_name\":\"PreToolUse\","
                + "\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"/work/app/a.txt\",\"content\":\"x\"},\"session_id\":\"s-w\",\"cwd\":\"/work/app\"}"));
        traffic.bash("m-ann", Identity.of("ann@acme.com", "web"), POLICY, tenOClock, "curl https://example.com", "rm -rf /tmp/a");
        traffic.bash("m-ops", Identity.of("ops@acme.com", "ops"), POLICY, tenOClock, "rm -rf /var/tmp/cache");
        traffic.bash("m-shared", Identity.of(""), POLICY, tenOClock, "ls");

        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        await().atMost(Duration.ofSeconds(30)).until(() -> summary(auditor).getLong("totals.events") == 9);
        // what an ingest older than V12 still writes while a rolling upgrade replaces it: not an integrity finding
        try (var connection = dataSource.getConnection(); var insert = connection.createStatement()) {
            insert.execute("insert into integrity_finding (machine_id, event_id, seq, kind, problem, detected_at) values ('m-old-ingest',"
                    + " 'evt_old', 1, 'unverified', 'machine m-old-ingest is not enrolled', timestamptz '2026-03-01 10:00Z')");
        }
        assertThat(given().auth().oauth2(auditor).queryParam("machine", "m-old-ingest").get("/api/v1/audit/integrity").then().statusCode(200)
                .extract().jsonPath().getList("kind")).isEmpty();
        JsonPath summary = summary(auditor);
        // file modifications: the Write and the four rm -rf (a Bash command that deletes files writes them)
        assertThat(summary.getMap("totals")).containsAllEntriesOf(Map.of("events", 9, "toolCalls", 9, "fileModifications", 5, "mcpCalls", 0,
                "withoutIdentity", 1, "users", 3, "machines", 5, "denied", 3, "asked", 1, "warned", 1));
        assertThat(summary.getInt("totals.allowed")).isEqualTo(4);
        // enrolment.mode=record (the default): none of these machines is enrolled, so no event proves its origin
        assertThat(summary.getInt("totals.unverified")).isEqualTo(9);
        assertThat(summary.getList("integrityFindings.kind")).as("counted, not listed one by one").doesNotContain("unverified");
        assertThat(summary.getList("deniedByPolicy")).containsExactly(Map.of("key", "no-rm", "count", 3));
        assertThat(summary.getList("deniedByUser")).containsExactly(Map.of("key", "bob@acme.com", "count", 2),
                Map.of("key", "ann@acme.com", "count", 1));
        assertThat(summary.getList("askedByPolicy")).containsExactly(Map.of("key", "ask-push", "count", 1));
        assertThat(summary.getList("warnedByPolicy")).as("a warning-severity policy's matches, which the dashboard's breakdown left out")
                .containsExactly(Map.of("key", "no-curl", "count", 1));
        assertThat(summary.getList("toolCalls")).containsExactly(Map.of("key", "Bash", "count", 8), Map.of("key", "Write", "count", 1));
        assertThat(summary.getList("exceptionsUsed.exceptionId")).containsExactly("exc-ops");
        assertThat(summary.getList("exceptionsUsed.users")).containsExactly(List.of("ops@acme.com"));
        assertThat(summary.getString("exceptionsUsed[0].lastUse")).isEqualTo("2026-03-01T10:00:00Z");

        JsonPath events = given().auth().oauth2(auditor).queryParam("from", DAY.toString()).queryParam("to", DAY.plus(Duration.ofDays(1)).toString())
                .get("/api/v1/audit/events").then().statusCode(200).extract().jsonPath();
        List<String> oldestFirst = events.getList("events.eventId");
        // each event says why its origin is not proven, and no integrity finding row is written per event for it
        assertThat(events.getList("events.unverified", String.class)).hasSize(9)
                .allMatch(why -> why.matches("machine m-[a-z-0-9]+ is not enrolled, and the event is not signed"), "a reason naming the machine");
        try (var connection = dataSource.getConnection(); var count = connection.prepareStatement(
                "select count(*) from integrity_finding where kind = 'unverified' and event_id = any(?)")) {
            count.setArray(1, connection.createArrayOf("text", oldestFirst.toArray()));
            try (var rows = count.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(1)).isZero();
            }
        }
        List<String> newestFirst = new java.util.ArrayList<>();
        String cursor = null;
        do { // pages of 4 from the newest backwards
            var page = given().auth().oauth2(auditor).queryParam("from", DAY.toString()).queryParam("to", DAY.plus(Duration.ofDays(1)).toString())
                    .queryParam("order", "newest").queryParam("limit", 4).queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor))
                    .get("/api/v1/audit/events").then().statusCode(200).extract().jsonPath();
            newestFirst.addAll(page.getList("events.eventId"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        List<String> reversed = new java.util.ArrayList<>(oldestFirst);
        java.util.Collections.reverse(reversed);
        assertThat(newestFirst).hasSize(9).containsExactlyElementsOf(reversed);

        JsonPath activity = given().auth().oauth2(auditor).queryParam("from", DAY.toString()).queryParam("to", DAY.plus(Duration.ofDays(1)).toString())
                .queryParam("baselineWindows", 3).get("/api/v1/audit/events/activity").then().statusCode(200).extract().jsonPath();
        assertThat(activity.getLong("windowSeconds")).isEqualTo(86_400);
        assertThat(activity.getList("users.user")).containsExactly("", "ann@acme.com", "bob@acme.com", "ops@acme.com");
        // bob's file modifications: his Write and his two rm -rf
        assertThat(activity.getMap("users[2].window")).isEqualTo(Map.of("events", 5, "violations", 3, "denied", 2, "fileModifications", 3,
                "mcpCalls", 0));
        assertThat(activity.getList("users[2].baseline")).hasSize(3).allMatch(c -> ((Map<?, ?>) c).get("events").equals(0));
        assertThat(activity.getList("trend")).hasSize(24);
        assertThat(activity.getMap("trend[10]")).containsEntry("hour", "2026-03-01T10:00:00Z").containsEntry("events", 9)
                .containsEntry("violations", 5).containsEntry("denied", 3);
    }

    @Test
    void aToolCallIsCountedOnceThoughItsPreAndPostToolUseAreBothRecorded() throws Exception {
        Instant day = DAY.plus(Duration.ofDays(3));
        Clock noon = Clock.fixed(day.plus(Duration.ofHours(12)), ZoneOffset.UTC);
        String read = "{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/work/app/README.md\"},\"session_id\":\"s-r\",\"cwd\":\"/work/app\"}";
        new AgentTraffic(dir, bootstrap).record("m-calls", Identity.of("cy@acme.com"), POLICY, noon, List.of(
                "{\"hook_event_name\":\"PreToolUse\",\"tool_use_id\":\"toolu_1\"," + read.substring(1),
                "{\"hook_event_name\":\"PostToolUse\",\"tool_use_id\":\"toolu_1\",\"duration_ms\":12," + read.substring(1),
                "{\"hook_event_name\":\"PreToolUse\",\"tool_use_id\":\"toolu_2\"," + read.substring(1),
                "{\"hook_event_name\":\"PostToolUse\",\"tool_use_id\":\"toolu_2\",\"duration_ms\":9," + read.substring(1),
                "{\"hook_event_name\":\"PreToolUse\",\"tool_use_id\":\"toolu_3\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":"
                        + "\"rm -rf build\"},\"session_id\":\"s-r\",\"cwd\":\"/work/app\"}"));
        String auditor = OidcWiremockTestResource.getAccessToken("audrey", Set.of("audit-reader"));
        JsonPath summary = await().atMost(Duration.ofSeconds(30)).until(() -> given().auth().oauth2(auditor).queryParam("from", day.toString())
                .queryParam("to", day.plus(Duration.ofDays(1)).toString()).get("/api/v1/audit/events/summary").then().statusCode(200).extract()
                .jsonPath(), s -> s.getLong("totals.events") == 5);
        assertThat(summary.getLong("totals.toolCalls")).as("two Reads and a refused Bash: three calls, five events").isEqualTo(3);
        assertThat(summary.getList("toolCalls")).containsExactly(Map.of("key", "Read", "count", 2), Map.of("key", "Bash", "count", 1));
    }

    private static JsonPath summary(String token) {
        return given().auth().oauth2(token).queryParam("from", DAY.toString()).queryParam("to", DAY.plus(Duration.ofDays(1)).toString())
                .get("/api/v1/audit/events/summary").then().statusCode(200).extract().jsonPath();
    }
}
