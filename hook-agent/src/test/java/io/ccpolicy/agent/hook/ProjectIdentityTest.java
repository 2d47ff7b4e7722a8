package io.ccpolicy.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.Projects;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project is the repository's origin, read from real git repositories: a directory named like a project with
 * {@code git init} inherits none of its exceptions, a clone of its remote does, worktrees share it, and a configuration
 * that could rewrite the URL is opaque.
 */
class ProjectIdentityTest {

    private static final String POLICY = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: no-rm, type: denylist, target: bashCommand, values: ["rm -rf"], severity: error}
            exceptions:
              - project: github.com/acme/legacy-*
                exempt_from: [no-rm]
                reason: the legacy build cleans with rm -rf
                approved_by: ann@acme.com
            """;

    @TempDir
    Path dir;

    private static void git(Path where, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-c", "init.defaultBranch=main"));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).directory(where.toFile()).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as(out).isZero();
    }

    private Path repo(String name, String origin) throws Exception {
        Path repo = Files.createDirectories(dir.resolve(name));
        git(repo, "init", "-q");
        if (origin != null) {
            git(repo, "remote", "add", "origin", origin);
        }
        return repo;
    }

    @Test
    void theProjectIsTheOriginRemote() throws Exception {
        Workspace workspace = new Workspace(dir.toString());
        Path renamed = repo("legacy-app", null);
        Path clone = repo("work", "git@github.com:acme/legacy-app.git");
        Files.createDirectories(clone.resolve("src/main"));
        assertThat(workspace.projectName(renamed.toString())).as("git init in a directory named like the project").isEmpty();
        assertThat(workspace.projectName(clone.resolve("src/main").toString())).isEqualTo("github.com/acme/legacy-app");

        git(clone, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-q", "--allow-empty", "-m", "first");
        git(clone, "worktree", "add", "-q", dir.resolve("wt").toString());
        assertThat(workspace.projectName(dir.resolve("wt").toString())).as("a worktree shares its repository's origin")
                .isEqualTo("github.com/acme/legacy-app");

        git(clone, "remote", "set-url", "origin", "https://github.com/acme/checkout.git");
        assertThat(workspace.projectName(clone.toString())).as("read again when the remote changes").isEqualTo("github.com/acme/checkout");

        Path rewritten = repo("rewritten", "https://github.com/acme/legacy-app");
        git(rewritten, "config", "url.https://evil.example/.insteadOf", "https://github.com/");
        assertThat(workspace.projectName(rewritten.toString())).startsWith(Projects.OPAQUE);
    }

    @Test
    void aRenamedCheckoutDoesNotInheritTheProjectsException() throws Exception {
        Path policyFile = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        AgentLog log = new AgentLog(new PrintStream(new ByteArrayOutputStream()));
        PolicyHolder policy = new PolicyHolder(policyFile, Clock.systemUTC(), log, problems -> { });
        policy.loadInitial();
        Path renamed = repo("legacy-app", null);
        Path clone = repo("clone", "https://github.com/acme/legacy-app.git");
        try (AuditSpool audit = new AuditSpool(Files.createDirectories(dir.resolve("state")))) {
            HookService service = new HookService(policy, new AgentConfig("Acme", Identity.of("bob@acme.com"), "m-1"),
                    new Workspace(dir.toString()), audit, log, Clock.systemUTC());
            assertThat(decide(service, renamed)).contains("\"permissionDecision\":\"deny\"");
            assertThat(decide(service, clone)).doesNotContain("\"permissionDecision\":\"deny\"");
        }
    }

    private static String decide(HookService service, Path cwd) {
        String payload = io.ccpolicy.agent.json.Json.compact(Map.of("hook_event_name", "PreToolUse", "session_id", "s-1", "cwd", cwd.toString(),
                "tool_name", "Bash", "tool_input", Map.of("command", "rm -rf build")));
        return new String(service.handle(new HookServer.Request("POST", "/hooks/PreToolUse", Map.of(), payload.getBytes(StandardCharsets.UTF_8),
                false)).body(), StandardCharsets.UTF_8);
    }
}
