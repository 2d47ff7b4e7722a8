package io.ccpolicy.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.hook.HookService;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.audit.SchemaCheck;
import io.ccpolicy.engine.bundle.BundleSignature;
import io.ccpolicy.engine.bundle.PolicyBundle;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.sign.Ed25519;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a policy server, whoever wrote agent.yaml does not decide who the developer is: decisions and audit use the
 * identity inside the signed bundle (the token's), so claiming the security team's exemption in agent.yaml gains
 * nothing; before sign-in the banner says only the organisation's policies apply.
 */
class SignedIdentityTest {

    private static final String POLICY = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
            exceptions:
              - {team: security-team, exempt_from: [no-rm], reason: forensics, approved_by: ciso@acme.com}
            """;

    /** The identity provider's subject id of the signed-in developer. */
    private static final String SUBJECT = "f7c2a9e4-5d1b-4c8e-9a3f-2b6d8e0c1a47";

    @TempDir
    Path state;

    private final KeyPair key = Ed25519.generate();
    private final AgentLog log = new AgentLog(new PrintStream(new ByteArrayOutputStream()));

    private HookService serviceWithBundleFor(String email, List<String> teams, AuditSpool audit) throws Exception {
        PolicyBundle bundle = new PolicyBundle(3, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), email, teams, "",
                List.of(new PolicyBundle.Layer("organization", 3, PolicyParser.sha256(POLICY), POLICY)), List.of(), List.of(), SUBJECT);
        Files.createDirectories(state.resolve("bundle"));
        Files.writeString(state.resolve("bundle/current.json"), BundleSignature.sign(bundle, key.getPrivate()));
        AgentConfig claimed = new AgentConfig("Acme", Identity.of("mallory@acme.com", "security-team"), "m-1", AgentConfig.AuditShipping.NONE,
                new AgentConfig.ServerSync(URI.create("http://127.0.0.1:9"), null, "", null, "hook-agent", "unused", 20, Duration.ofHours(1)));
        PolicyHolder holder = new PolicyHolder(null, Clock.systemUTC(), log, problems -> { });
        try (BundleSync sync = new BundleSync(claimed, holder, state, key.getPublic(), () -> "unused", log, Clock.systemUTC())) {
            assertThat(sync.activateCached()).isEmpty();
        }
        return new HookService(holder, claimed, new Workspace(state.toString()), audit, log, Clock.systemUTC());
    }

    private static String post(HookService service, String event, Map<String, Object> payload) {
        return new String(service.handle(new HookServer.Request("POST", "/hooks/" + event, Map.of(),
                io.ccpolicy.agent.json.Json.compact(payload).getBytes(StandardCharsets.UTF_8), false)).body(), StandardCharsets.UTF_8);
    }

    @Test
    void decisionsAndAuditUseTheSignedIdentityNotAgentYaml() throws Exception {
        try (AuditSpool audit = new AuditSpool(state)) {
            HookService service = serviceWithBundleFor("bob@acme.com", List.of("payments"), audit);
            Path transcript = Files.writeString(state.resolve("s.jsonl"), "{\"type\":\"user\",\"timestamp\":\"2026-12-06T09:15:02.123Z\"}\n");
            String answer = post(service, "PreToolUse", Map.of("hook_event_name", "PreToolUse", "session_id", "s", "cwd", state.toString(),
                    "tool_name", "Bash", "tool_input", Map.of("command", "rm -rf /tmp/evidence"), "transcript_path", transcript.toString()));
            assertThat(answer).as("agent.yaml's security-team claim exempts nothing").contains("\"permissionDecision\":\"deny\"");
            audit.forceIfDirty();
            String recorded = Files.readString(audit.file());
            assertThat(recorded).contains("\"email\":\"bob@acme.com\"").contains("\"teams\":[\"payments\"]").doesNotContain("mallory");
            Map<String, Object> event = io.ccpolicy.agent.json.Json.object(recorded.lines().reduce((a, b) -> b).orElseThrow(), new String[1]).orElseThrow();
            assertThat(((Map<?, ?>) event.get("user")).get("id")).as("the identity provider's subject, from the signed bundle").isEqualTo(SUBJECT);
            assertThat(((Map<?, ?>) event.get("session")).get("startTime")).as("the transcript's first entry").isEqualTo("2026-12-06T09:15:02.123Z");
            assertThat(SchemaCheck.problems(SchemaCheck.auditEventSchema(), event)).isEmpty();
        }
    }

    @Test
    void beforeSignInTheBannerSaysOnlyTheOrganisationsPoliciesApply() throws Exception {
        try (AuditSpool audit = new AuditSpool(state)) {
            HookService service = serviceWithBundleFor("service-account-hook-agent", List.of(), audit);
            String banner = post(service, "SessionStart", Map.of("hook_event_name", "SessionStart", "session_id", "s", "cwd", state.toString(),
                    "source", "startup"));
            assertThat(banner).contains("Not signed in: only the organisation's policies apply").contains("hook-agent login");
        }
    }
}
