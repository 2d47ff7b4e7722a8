package io.ccpolicy.exceptions.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.cli.RequestExceptionCommand;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.policy.BundleSync;
import io.ccpolicy.agent.hook.HookService;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.testinfra.ServiceProcess;
import io.ccpolicy.testinfra.SiblingServices;
import io.ccpolicy.testinfra.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guide's exception workflow end to end, with every part real: this exception-service, policy-service packaged as
 * its own process (own database, same Kafka, same OIDC provider), and the hook agent's own sync, daemon logic and audit
 * log. A developer is blocked, requests an exception with the agent's command, sees it pending in the agent's status;
 * an approver approves; the retried call is allowed and audited with the exception id; once the grant's time is up
 * (the agent's own clock, no server needed) the call is blocked again; a revoked grant leaves the bundle.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExceptionEndToEndTest {

    private static final String DEVELOPER = "erin@acme.com";

    @TestHTTPResource("/")
    URL exceptionService;

    @TempDir
    Path dir;

    private ServiceProcess policyService;


    @BeforeAll
    void startPolicyService() throws Exception {
        policyService = SiblingServices.policyService(Map.of());
    }

    @AfterAll
    void stopPolicyService() throws Exception {
        if (policyService != null) {
            policyService.close();
        }
    }

    @Test
    void blockedThenRequestedApprovedAllowedAndAuditedThenBlockedAgainAtExpiry() throws Exception {
        String admin = TestTokens.of("pat@acme.com", "policy-admin");
        long revision = given().baseUri(policyService.url("/").toString()).auth().oauth2(admin).contentType("application/yaml").queryParam("note", "MCP allowlist")
                .body(("version: \"1.0\"\norganization: Acme\npolicies:\n  - {name: approved-mcp-servers, type: allowlist, target: mcpServers,"
                        + " values: [github-mcp], severity: error, message: \"MCP server '{{value}}' is not approved\"}\n")
                        .getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/policies/versions").then().log().ifValidationFails().statusCode(201).extract().jsonPath().getLong("revision");
        given().baseUri(policyService.url("/").toString()).auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("revision", revision, "scope", Map.of("type", "organization", "value", "*"), "note", "MCP allowlist"))
                .post("/api/v1/policies/publications").then().statusCode(201);
        PublicKey key = Ed25519.publicKey(given().baseUri(policyService.url("/").toString()).auth().oauth2(admin)
                .get("/api/v1/bundles/public-key").then().statusCode(200).extract().asString());

        AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);
        Clock agentClock = new Clock() {
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return Instant.now().plus(ahead.get());
            }
        };
        AgentLog log = new AgentLog(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        AgentConfig agent = new AgentConfig("Acme", Identity.of(DEVELOPER), "machine-e2e", AgentConfig.AuditShipping.NONE,
                new AgentConfig.ServerSync(policyService.url("/"), null, "", null, "hook-agent", "unused", 20, Duration.ofHours(1)));
        PolicyHolder holder = new PolicyHolder(null, agentClock, log, problems -> { });
        try (AuditSpool audit = new AuditSpool(dir);
                BundleSync sync = new BundleSync(agent, holder, dir, key, () -> TestTokens.of(DEVELOPER, "agent"), log, agentClock)) {
            assertThat(sync.syncOnce(0)).as(String.valueOf(sync.statusMap())).isTrue();
            sync.start();
            HookService hooks = new HookService(holder, agent, new Workspace(dir.toString()), audit, log, agentClock);

            assertThat(slackCall(hooks)).as("blocked at first").contains("\"permissionDecision\":\"deny\"").contains("slack-mcp");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String refused = lastAuditEvent().get("eventId").toString();
            int exit = RequestExceptionCommand.run(List.of("--policy", "approved-mcp-servers", "--value", "slack-mcp", "--reason",
                    "incident 4711 needs the Slack bridge", "--duration", "4h", "--state-dir", dir.toString()), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    Map.of("CCPOLICY_TOKEN", TestTokens.of(DEVELOPER, "developer"), "CCPOLICY_EXCEPTIONS_URL", exceptionService.toString()));
            String requested = out.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(requested).isZero();
            assertThat(requested).contains("is pending").contains("The approver sees the call it refused: mcp__slack-mcp");
            String id = requested.replaceAll("(?s).*Exception request (\\S+) .*", "$1");
            given().auth().oauth2(TestTokens.of("carol@acme.com", "exception-approver")).get("/api/v1/exceptions/" + id).then().statusCode(200)
                    .body("trigger.eventId", org.hamcrest.Matchers.is(refused))
                    .body("trigger.tool", org.hamcrest.Matchers.startsWith("mcp__slack-mcp"));

            await("the developer's agent lists the pending request")
                    .atMost(Duration.ofSeconds(15)).until(() -> String.valueOf(sync.statusMap().get("pendingRequests")).contains(id));
            assertThat(slackCall(hooks)).as("a pending request grants nothing").contains("\"permissionDecision\":\"deny\"");

            given().auth().oauth2(TestTokens.of("carol@acme.com", "exception-approver")).contentType(ContentType.JSON)
                    .body(Map.of("expiresIn", "2h", "reason", "for the incident")).post("/api/v1/exceptions/" + id + "/approve")
                    .then().statusCode(200);
            await("the approval reaches the agent through its bundle")
                    .atMost(Duration.ofSeconds(15)).until(() -> !slackCall(hooks).contains("deny"));
            assertThat(String.valueOf(sync.statusMap().get("grants"))).contains(id).contains("carol@acme.com");
            assertThat(String.valueOf(sync.statusMap().get("pendingRequests"))).doesNotContain(id);
            Map<String, Object> audited = lastAuditEvent();
            assertThat(audited.get("action")).as("audited as allowed").asString().contains("result=allowed");
            assertThat(audited.get("decision")).as("with the exception id").asString().contains("exceptions=[" + id + "]");
            assertThat(mcpCall(hooks, "jira-mcp")).as("the grant covers its value only").contains("\"permissionDecision\":\"deny\"");

            ahead.set(Duration.ofHours(2).plusMinutes(1));
            assertThat(slackCall(hooks)).as("expired by the agent's own clock, server or not").contains("\"permissionDecision\":\"deny\"");
            ahead.set(Duration.ZERO);
            assertThat(slackCall(hooks)).doesNotContain("deny");

            given().auth().oauth2(TestTokens.of("pat@acme.com", "policy-admin")).contentType(ContentType.JSON)
                    .body(Map.of("reason", "incident closed")).post("/api/v1/exceptions/" + id + "/revoke").then().statusCode(200);
            await("a revoked grant leaves the bundle")
                    .atMost(Duration.ofSeconds(15)).until(() -> slackCall(hooks).contains("\"permissionDecision\":\"deny\""));
            assertThat(String.valueOf(sync.statusMap().get("grants"))).doesNotContain(id);
        }
    }

    private static String slackCall(HookService hooks) {
        return mcpCall(hooks, "slack-mcp");
    }

    private static String mcpCall(HookService hooks, String server) {
        byte[] body = ("{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"mcp__" + server + "__post_message\",\"tool_input\":{},"
                + "\"session_id\":\"s-e2e\",\"cwd\":\"/tmp\",\"tool_use_id\":\"t1\"}").getBytes(StandardCharsets.UTF_8);
        return new String(hooks.handle(new HookServer.Request("POST", "/hooks/PreToolUse", Map.of(), body, false)).body(), StandardCharsets.UTF_8);
    }

    private Map<String, Object> lastAuditEvent() throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("audit/events.jsonl"));
        return Json.object(lines.get(lines.size() - 1), new String[1]).orElseThrow();
    }
}
