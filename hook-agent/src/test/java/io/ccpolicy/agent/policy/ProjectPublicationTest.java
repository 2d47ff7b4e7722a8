package io.ccpolicy.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.hook.HookService;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.server.HookServer;
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
 * A project publication targets origins by pattern, and the agent applies it per session: in a checkout of a matching
 * repository, not in one that merely has the same directory name, not in a checkout without a remote; in one whose git
 * configuration cannot be read for sure, every project's restrictions apply.
 */
class ProjectPublicationTest {

    private static final String ORGANIZATION = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-curl-bash, type: denylist, target: bashCommand, values: ["curl | bash"], severity: error}
            """;
    private static final String LEGACY = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-legacy-deploy, type: denylist, target: bashCommand, values: ["make deploy"], severity: error}
            """;

    @TempDir
    Path home;

    private final KeyPair key = Ed25519.generate();
    private final AgentLog log = new AgentLog(new PrintStream(new ByteArrayOutputStream()));

    @Test
    void aProjectsLayerAppliesInSessionsOfTheRepositoriesItNames() throws Exception {
        Path state = Files.createDirectories(home.resolve(".state"));
        PolicyBundle bundle = new PolicyBundle(7, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), "bob@acme.com", List.of(), "",
                List.of(new PolicyBundle.Layer("organization:*", 1, PolicyParser.sha256(ORGANIZATION), ORGANIZATION),
                        new PolicyBundle.Layer("project:github.com/acme/legacy-*", 2, PolicyParser.sha256(LEGACY), LEGACY)), List.of(), List.of());
        Files.createDirectories(state.resolve("bundle"));
        Files.writeString(state.resolve("bundle/current.json"), BundleSignature.sign(bundle, key.getPrivate()));
        AgentConfig agent = new AgentConfig("Acme", Identity.of("bob@acme.com"), "m-1", AgentConfig.AuditShipping.NONE,
                new AgentConfig.ServerSync(URI.create("http://127.0.0.1:9"), null, "", null, "ccpolicy-agent", "", 20, Duration.ofHours(1)));
        PolicyHolder holder = new PolicyHolder(null, Clock.systemUTC(), log, problems -> { });
        try (BundleSync sync = new BundleSync(agent, holder, state, key.getPublic(), () -> "unused", log, Clock.systemUTC())) {
            assertThat(sync.activateCached()).isEmpty();
        }
        Path billing = checkout("billing", "[remote \"origin\"]\n\turl = git@github.com:acme/legacy-billing.git\n");
        Path renamed = checkout("legacy-billing", "[remote \"origin\"]\n\turl = https://github.com/acme/payments\n");
        Path noRemote = checkout("legacy-app", "[core]\n\tbare = false\n");
        Path unreadable = checkout("tools", "[include]\n\tpath = ~/.gitconfig-acme\n[remote \"origin\"]\n\turl = git@github.com:acme/tools.git\n");

        try (AuditSpool audit = new AuditSpool(state)) {
            HookService service = new HookService(holder, agent, new Workspace(home.toString()), audit, log, Clock.systemUTC());
            assertThat(deploy(service, billing)).as("a repository the pattern names").contains("\"permissionDecision\":\"deny\"")
                    .contains("no-legacy-deploy");
            assertThat(deploy(service, renamed)).as("a directory named like it, another repository").doesNotContain("\"deny\"");
            assertThat(deploy(service, noRemote)).as("no remote, no project").doesNotContain("\"deny\"");
            assertThat(deploy(service, unreadable)).as("an origin that cannot be read for sure").contains("\"permissionDecision\":\"deny\"");
        }
    }

    private Path checkout(String name, String gitConfig) throws Exception {
        Path dir = Files.createDirectories(home.resolve(name));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/config"), gitConfig);
        return dir;
    }

    private static String deploy(HookService service, Path cwd) {
        Map<String, Object> payload = Map.of("hook_event_name", "PreToolUse", "session_id", "s-" + cwd.getFileName(), "cwd", cwd.toString(),
                "tool_name", "Bash", "tool_input", Map.of("command", "make deploy"));
        return new String(service.handle(new HookServer.Request("POST", "/hooks/PreToolUse", Map.of(),
                io.ccpolicy.agent.json.Json.compact(payload).getBytes(StandardCharsets.UTF_8), false)).body(), StandardCharsets.UTF_8);
    }
}
