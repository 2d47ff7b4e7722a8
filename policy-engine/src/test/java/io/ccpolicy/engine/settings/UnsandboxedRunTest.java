package io.ccpolicy.engine.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.HostPaths;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.engine.parse.TestSuiteParser;
import io.ccpolicy.engine.testing.PolicyTestCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnsandboxedRunTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Identity BOB = Identity.of("bob@acme.com", "payments");
    private static final String POLICY = """
            version: "1.0"
            organization: Acme
            claude_code:
              allowManagedHooksOnly: true
            %s
            policies:
              - {name: write-areas, type: allowlist, target: writePath, values: ["/home/**", "/tmp/claude-*/**"], severity: error}
              - {name: secrets, type: denylist, target: readPath, values: ["~/.ssh/id_*", "~/.aws/credentials"], severity: error}
              - {name: hosts, type: allowlist, target: webDomain, values: [github.com], severity: error}
            """;

    private static PolicyDocument parse(String yaml) {
        try {
            return PolicyParser.parse("p.yaml", yaml);
        } catch (PolicyValidationException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static Decision decide(PolicyDocument document, String command, HostPaths paths) {
        HookEvent event = HookEvent.of(Map.of("hook_event_name", "PreToolUse", "tool_name", "Bash", "cwd", "/home/bob/proj",
                "session_id", "s", "tool_input", Map.of("command", command)));
        return PolicyEngine.compile(document, "test", Clock.fixed(NOW, ZoneOffset.UTC), () -> "d")
                .evaluate(new DecisionRequest(event, BOB, "proj", SessionState.NEW, io.ccpolicy.engine.ConfigurationSnapshot.NONE,
                        "/home/bob", paths));
    }

    private static boolean permits(String policy, String command) {
        return permits(parse(policy), command, HostPaths.LEXICAL);
    }

    private static boolean permits(PolicyDocument document, String command, HostPaths paths) {
        SandboxPlan plan = SandboxCompiler.plan(document, BOB, "proj", NOW, SandboxCompiler.GlobExpander.NONE);
        return UnsandboxedRun.permits(decide(document, command, paths), plan, "/home/bob", paths);
    }

    @Test
    void everydayReadsSkipTheSandboxAndEverythingElseStaysInIt() {
        String policy = POLICY.formatted("");
        assertThat(List.of("ls -la", "cat README.md", "grep -n TODO src/Main.java", "head -20 pom.xml | wc -l", "grep -c 'it''s' notes.txt",
                "ls nothing 2>/dev/null; pwd", "test -f pom.xml && echo yes", "cat missing.txt 2>/dev/null || true"))
                .allSatisfy(command -> assertThat(permits(policy, command)).as(command).isTrue());
        assertThat(List.of(
                "mvn -q test", "make", "git status", "npm test", // programs: their behaviour is not on the command line
                "echo hi > notes.txt", "sort -o out.txt a.txt", "sort -T /etc a.txt", // writes
                "curl https://github.com", "cat < /dev/tcp/github.com/80", // network
                "cat $FILE", "echo $(whoami)", "ls | xargs cat", "eval ls", "sudo cat a", "env cat a", "f() { cat a; }; f", // opaque or indirect
                "cat ~/.ssh/id_rsa", // refused by the policy
                "cat /proc/self/environ", "cat /dev/sda", // device and process files
                "grep -rn TODO .", "cat src/*.java", // globs and recursion may reach hidden paths through links
                "cat ~/.ssh/config", // the sandbox hides all of ~/.ssh (the tighter form of ~/.ssh/id_*)
                "/usr/bin/cat a", "./cat a", "rg TODO", "which ls", "date -s 2020-01-01",
                "cd src && ls")) // a directory change would not outlive the separate shell of an unsandboxed run
                .allSatisfy(command -> assertThat(permits(policy, command)).as(command).isFalse());
    }

    @Test
    void aReadThroughALinkToAHiddenPathStaysInTheSandbox() {
        HostPaths links = new HostPaths() {
            @Override
            public String realPath(String path) {
                return path.equals("/home/bob/proj/key") ? "/home/bob/.ssh/id_rsa" : path;
            }

            @Override
            public boolean caseInsensitive() {
                return false;
            }
        };
        PolicyDocument document = parse(POLICY.formatted(""));
        assertThat(permits(document, "cat notes", links)).isTrue();
        assertThat(permits(document, "cat key", links)).isFalse();
    }

    @Test
    void theSkipNeedsManagedHooksOnlyAConfinedWriteSetAndCanBeTurnedOff() {
        assertThat(permits(POLICY.formatted(""), "ls")).isTrue();
        SandboxPlan on = SandboxCompiler.plan(parse(POLICY.formatted("")), BOB, "proj", NOW, SandboxCompiler.GlobExpander.NONE);
        assertThat(on.settings()).containsEntry("allowUnsandboxedCommands", true);

        String never = POLICY.formatted("enforcement:\n  os_sandbox_skip: never");
        assertThat(permits(never, "ls")).isFalse();
        assertThat(SandboxCompiler.plan(parse(never), BOB, "proj", NOW, SandboxCompiler.GlobExpander.NONE).settings())
                .containsEntry("allowUnsandboxedCommands", false);

        String otherHooks = POLICY.formatted("").replace("allowManagedHooksOnly: true", "allowManagedHooksOnly: false");
        assertThat(permits(otherHooks, "ls")).isFalse();
        assertThat(SandboxCompiler.plan(parse(otherHooks), BOB, "proj", NOW, SandboxCompiler.GlobExpander.NONE).skip().why())
                .contains("allowManagedHooksOnly");

        String writesAnywhere = POLICY.formatted("").replace("values: [\"/home/**\", \"/tmp/claude-*/**\"]", "values: [\"/**\"]");
        assertThat(permits(writesAnywhere, "ls")).isFalse();
        String writesUsr = POLICY.formatted("").replace("values: [\"/home/**\", \"/tmp/claude-*/**\"]", "values: [\"/home/**\", \"/usr/**\"]");
        assertThat(permits(writesUsr, "ls")).isFalse();

        String bashRules = POLICY.formatted("").replace("allowManagedHooksOnly: true", "allowManagedHooksOnly: true\n  permissions:\n    ask: [\"Bash(cat:*)\"]");
        assertThat(permits(bashRules, "ls")).as("a rule on Bash commands would not see the rewritten command").isFalse();
        String toolPolicy = POLICY.formatted("") + "  - {name: no-cat, type: denylist, target: tool, values: [\"Bash(cat:*)\"], severity: error}\n";
        assertThat(permits(toolPolicy, "ls")).as("a tool policy on Bash becomes a permission rule").isFalse();
        assertThat(UnsandboxedRun.bashRulesIn(Map.of("permissions", Map.of("deny", List.of("Read(./.env)", "WebFetch"))))).isFalse();
        assertThat(UnsandboxedRun.bashRulesIn(Map.of("permissions", Map.of("deny", List.of("Bash(curl:*)"))))).isTrue();

        String off = POLICY.formatted("enforcement:\n  os_sandbox: off");
        assertThat(permits(off, "ls")).isFalse();
    }

    @Test
    void aMisspelledSkipIsRefusedWithWhereItIs() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> PolicyParser.parse("p.yaml",
                POLICY.formatted("enforcement:\n  os_sandbox_skip: always"))))
                .isInstanceOf(PolicyValidationException.class)
                .hasMessageContaining("p.yaml:").hasMessageContaining("os_sandbox_skip must be 'proven-read-only' or 'never', found 'always'");
    }

    @Test
    void onlyTheAgentsOwnRewriteIsReadBack() {
        String proven = "grep -c 'it'\\''s' notes.txt | head";
        String rewritten = UnsandboxedRun.command(proven);
        assertThat(rewritten).startsWith("/usr/bin/env -u BASH_ENV -u ENV PATH=/usr/bin:/bin /bin/bash --noprofile --norc -c '");
        assertThat(UnsandboxedRun.proven(rewritten)).contains(proven);
        assertThat(UnsandboxedRun.proven("ls -la")).isEmpty();
        assertThat(UnsandboxedRun.proven(UnsandboxedRun.PREFIX + "ls' ; touch /etc/x ; echo '")).as("a quote that breaks out").isEmpty();
    }

    /** No red-team case, read under the red-team policy with the skip on, is both allowed and run outside the sandbox. */
    @Test
    void noRedTeamCommandRunsOutsideTheSandbox() throws Exception {
        Path corpus = Path.of(getClass().getResource("/conformance/bash-attacks.yaml").toURI());
        PolicyDocument document = parse(Files.readString(corpus.resolveSibling("bash-policy.yaml")));
        List<String> escaped = new ArrayList<>();
        int bash = 0;
        for (PolicyTestCase testCase : TestSuiteParser.parse("bash-attacks.yaml", Files.readString(corpus)).cases()) {
            if (!testCase.request().event().toolName().equals("Bash")) {
                continue;
            }
            bash++;
            Decision decision = PolicyEngine.compile(document, "test", Clock.fixed(testCase.now(), ZoneOffset.UTC), () -> "d").evaluate(testCase.request());
            SandboxPlan compiled = SandboxCompiler.plan(document, testCase.request().identity(), testCase.request().project(), testCase.now(),
                    SandboxCompiler.GlobExpander.NONE);
            SandboxPlan skipping = new SandboxPlan(compiled.mode(), compiled.settings(), compiled.mappings(), new SandboxPlan.Skip(true, "test"));
            if (UnsandboxedRun.permits(decision, skipping, testCase.request().home(), HostPaths.LEXICAL)) {
                escaped.add(testCase.name() + ": " + testCase.request().event().inputString("command"));
            }
        }
        assertThat(bash).isGreaterThan(250);
        assertThat(escaped).isEmpty();
    }
}
