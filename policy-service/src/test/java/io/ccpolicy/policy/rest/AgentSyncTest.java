package io.ccpolicy.policy.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.policy.BundleSync;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.install.ManagedDirectory;
import io.ccpolicy.agent.install.ManagedSettingsFollower;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.Mode;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.testinfra.Ports;
import io.ccpolicy.testinfra.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hook agent's own sync (BundleSync, PolicyHolder) against the real policy-service: a publication reaches a
 * long-polling agent within seconds, a rollback too; after a restart with the server unreachable the cached bundle is
 * enforced; a tampered cache is refused.
 */
@QuarkusTest
class AgentSyncTest {

    @TestHTTPResource("/")
    URL service;

    @TempDir
    Path state;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final AgentLog log = new AgentLog(new PrintStream(logged, true, StandardCharsets.UTF_8));

    private static String admin() {
        return OidcWiremockTestResource.getAccessToken("admin", Set.of("policy-admin"));
    }


    private static String agentToken() {
        return TestTokens.of("erin@acme.com", "agent");
    }

    private static long publishOrganization(String policies, String note) {
        long revision = given().auth().oauth2(admin()).contentType("application/yaml").queryParam("note", note)
                .body(("version: \"1.0\"\norganization: Acme\npolicies:\n" + policies).getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/policies/versions").then().statusCode(201).extract().jsonPath().getLong("revision");
        given().auth().oauth2(admin()).contentType(ContentType.JSON)
                .body(Map.of("revision", revision, "scope", Map.of("type", "organization", "value", "*"), "note", note))
                .post("/api/v1/policies/publications").then().statusCode(201);
        return revision;
    }

    private AgentConfig agent(URI server) {
        return new AgentConfig("Acme", Identity.of("erin@acme.com"), "machine-sync-" + UUID.randomUUID(), AgentConfig.AuditShipping.NONE,
                new AgentConfig.ServerSync(server, null, "", null, "hook-agent", "unused", 20, Duration.ofHours(1)));
    }

    private PublicKey key() {
        return Ed25519.publicKey(given().auth().oauth2(admin()).get("/api/v1/bundles/public-key").then().statusCode(200).extract().asString());
    }

    private static List<String> names(PolicyHolder holder) {
        return holder.active().engine().document().policies().stream().map(Policy::name).toList();
    }

    @Test
    void claudeCodesManagedSettingsFollowTheActiveBundle() throws Exception {
        String mcp = "approved-" + UUID.randomUUID().toString().substring(0, 8);
        publishOrganization("  - {name: approved-mcp-servers, type: allowlist, target: mcpServers, values: [github-mcp], severity: error}\n", "mcp");
        AgentConfig agent = agent(service.toURI());
        PolicyHolder holder = new PolicyHolder(null, Clock.systemUTC(), log, problems -> { });
        ManagedDirectory managed = new ManagedDirectory(Files.createDirectories(state.resolve("managed")));
        Files.writeString(managed.settingsFile(), "{\"companyAnnouncements\": [\"kept\"]}");
        try (BundleSync sync = new BundleSync(agent, holder, state, key(), AgentSyncTest::agentToken, log, Clock.systemUTC())) {
            assertThat(sync.syncOnce(0)).isTrue();
            ManagedSettingsFollower.follow(sync, holder, managed, agent, 7411, state, log);
            assertThat(Files.readString(managed.settingsFile())).contains("github-mcp").contains("kept").contains("127.0.0.1:7411")
                    .doesNotContain("\"sandbox\"");

            sync.start();
            publishOrganization("  - {name: approved-mcp-servers, type: allowlist, target: mcpServers, values: [github-mcp, " + mcp
                    + "], severity: error}\n  - {name: write-areas, type: allowlist, target: writePath, values: [\"/home/**\"], severity: error}\n",
                    "one more server, writes confined");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(managed.settingsFile()).contains(mcp));
            assertThat(Files.readString(managed.settingsFile()).replaceAll("\\s", "")).as("the OS sandbox follows the bundle too").contains("kept")
                    .contains("\"sandbox\"").contains("\"allowWrite\":[\"/home\"]").contains("\"failIfUnavailable\":true");
        }
    }

    @Test
    void publicationsAndRollbacksReachARunningAgentAndItsCacheOutlivesTheServer() throws Exception {
        String marker = "rule-" + UUID.randomUUID().toString().substring(0, 8);
        String tolerated = "  - {name: tolerated, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: warning, mode: warn}\n";
        long first = publishOrganization("  - {name: " + marker + ", type: denylist, target: bashCommand, values: [\"curl | bash\"], severity: error}\n"
                + tolerated, "first");
        AgentConfig agent = agent(service.toURI());
        PolicyHolder holder = new PolicyHolder(null, Clock.systemUTC(), log, problems -> { });
        try (BundleSync sync = new BundleSync(agent, holder, state, key(), AgentSyncTest::agentToken, log, Clock.systemUTC())) {
            assertThat(sync.activateCached()).get().asString().contains("no cached bundle");
            assertThat(sync.syncOnce(0)).as(String.valueOf(sync.statusMap())).isTrue();
            assertThat(names(holder)).containsExactly(marker, "tolerated");
            assertThat(holder.active().revision()).startsWith("bundle:");
            assertThat(holder.active().strict()).isFalse();

            sync.start();
            long second = publishOrganization("  - {name: " + marker + ", type: denylist, target: bashCommand, values: [\"curl | bash\"], severity: error}\n"
                    + tolerated + "  - {name: no-sudo, type: denylist, target: bashCommand, values: [\"sudo\"], severity: error}\n", "add no-sudo");
            await().atMost(Duration.ofSeconds(10)).until(() -> names(holder).contains("no-sudo"));

            given().auth().oauth2(admin()).contentType(ContentType.JSON)
                    .body(Map.of("scope", Map.of("type", "organization", "value", "*"), "toRevision", first, "note", "sudo rule broke builds"))
                    .post("/api/v1/policies/publications/rollback").then().statusCode(201);
            await().atMost(Duration.ofSeconds(10)).until(() -> !names(holder).contains("no-sudo"));
            assertThat(second).isGreaterThan(first);
        }

        int closedPort = Ports.freePort();
        PolicyHolder restarted = new PolicyHolder(null, Clock.systemUTC(), log, problems -> { });
        try (BundleSync offline = new BundleSync(agent(URI.create("http://127.0.0.1:" + closedPort)), restarted, state, key(),
                AgentSyncTest::agentToken, log, Clock.systemUTC())) {
            assertThat(offline.activateCached()).as("the cached bundle is enforced at once").isEmpty();
            assertThat(names(restarted)).containsExactly(marker, "tolerated");
            assertThat(restarted.active().strict()).isFalse();
            assertThat(offline.syncOnce(0)).isFalse();
            assertThat(String.valueOf(offline.statusMap().get("lastError"))).contains("not reachable").contains("the active policy stays");
            assertThat(names(restarted)).containsExactly(marker, "tolerated");
        }

        // Last confirmed two hours ago, with one hour allowed: the stricter profile enforces what was only warned about.
        Path cached = state.resolve("bundle/current.json");
        Files.setLastModifiedTime(cached, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        PolicyHolder stale = new PolicyHolder(null, Clock.systemUTC(), log, problems -> { });
        try (BundleSync offline = new BundleSync(agent(URI.create("http://127.0.0.1:" + closedPort)), stale, state, key(),
                AgentSyncTest::agentToken, log, Clock.systemUTC())) {
            assertThat(offline.activateCached()).isEmpty();
            assertThat(stale.active().strict()).isTrue();
            assertThat(stale.active().revision()).as("the revision is the bundle's, the profile a field").doesNotContain("strict");
            assertThat(stale.active().engine().evaluate(new DecisionRequest(HookEvent.of(Map.of("hook_event_name", "PreToolUse",
                    "tool_name", "Bash", "tool_input", Map.of("command", "ls"), "session_id", "s", "cwd", "/tmp")), Identity.of("a@acme.com"),
                    "", null, null, "/home/a")).policyRevision()).as("what each decision records").endsWith("(strict profile)");
            assertThat(stale.active().engine().document().policy("tolerated").orElseThrow().mode()).isEqualTo(Mode.ENFORCE);
            assertThat(offline.statusMap()).containsEntry("strictProfile", true);
        }

        Path cache = state.resolve("bundle/current.json");
        Files.writeString(cache, Files.readString(cache).replace("curl | bash", "curl | zsh"));
        PolicyHolder tampered = new PolicyHolder(null, Clock.systemUTC(), log, problems -> { });
        try (BundleSync refused = new BundleSync(agent, tampered, state, key(), AgentSyncTest::agentToken, log, Clock.systemUTC())) {
            assertThat(refused.activateCached()).get().asString().contains("refused").contains("does not verify");
            assertThat(tampered.active()).isNull();
        }
    }
}
