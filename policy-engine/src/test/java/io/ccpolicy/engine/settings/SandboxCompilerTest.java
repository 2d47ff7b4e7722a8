package io.ccpolicy.engine.settings;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxCompilerTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final Identity BOB = Identity.of("bob@acme.com", "payments");

    private static PolicyDocument parse(String yaml) {
        try {
            return PolicyParser.parse("p.yaml", yaml);
        } catch (PolicyValidationException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static final String RED_TEAM = """
            version: "1.0"
            organization: Acme
            policies:
              - {name: write-areas, type: allowlist, target: writePath, values: ["/home/**", "/tmp/claude-*/**"], severity: error}
              - {name: protected, type: denylist, target: writePath, values: ["~/.ssh/*", "*.pem", ".git/hooks/*"], severity: error}
              - {name: secrets, type: denylist, target: readPath, values: ["~/.ssh/id_*", "~/.aws/credentials", "/etc/shadow"], severity: error}
              - {name: hosts, type: allowlist, target: webDomain, values: [github.com, "*.npmjs.org"], severity: error}
              - {name: shadow, type: denylist, target: readPath, values: ["/var/secret"], severity: error, mode: audit}
            """;

    @Test
    void pathAndDomainPoliciesBecomeTheSandboxAndGlobsItCannotTakeAreMadeTighter() {
        SandboxPlan plan = SandboxCompiler.plan(parse(RED_TEAM), BOB, "", NOW, glob -> glob.equals("/tmp/claude-*")
                ? List.of("/tmp/claude-1000") : List.of());

        assertThat(plan.mode()).isEqualTo(SandboxPlan.Mode.REQUIRED);
        assertThat(plan.settings()).containsEntry("enabled", true).containsEntry("failIfUnavailable", true)
                .containsEntry("allowUnsandboxedCommands", false);
        Map<?, ?> filesystem = (Map<?, ?>) plan.settings().get("filesystem");
        assertThat(filesystem.get("allowWrite")).isEqualTo(List.of("/home", "/tmp/claude-1000"));
        assertThat(filesystem.get("denyWrite")).isEqualTo(List.of("~/.ssh"));
        assertThat(filesystem.get("denyRead")).isEqualTo(List.of("~/.ssh", "~/.aws/credentials", "/etc/shadow"));
        Map<?, ?> network = (Map<?, ?>) plan.settings().get("network");
        assertThat(network.get("allowedDomains")).isEqualTo(List.of("github.com", "*.github.com", "*.npmjs.org"));
        assertThat(network.get("allowManagedDomainsOnly")).isEqualTo(true);

        assertThat(plan.mappings()).filteredOn(m -> m.value().equals("*.pem")).singleElement()
                .satisfies(m -> assertThat(m.emitted()).isEmpty()).satisfies(m -> assertThat(m.note()).contains("hook enforces"));
        assertThat(plan.mappings()).filteredOn(m -> m.value().equals("~/.ssh/id_*")).singleElement()
                .satisfies(m -> assertThat(m.note()).contains("tighter"));
        assertThat(plan.mappings()).filteredOn(m -> m.value().equals("/var/secret")).singleElement()
                .satisfies(m -> assertThat(m.emitted()).isEmpty());
    }

    @Test
    void anAllowlistGlobMatchingNothingAllowsNothingRatherThanEverything() {
        SandboxPlan plan = SandboxCompiler.plan(parse(RED_TEAM), BOB, "", NOW, SandboxCompiler.GlobExpander.NONE);
        assertThat(((Map<?, ?>) plan.settings().get("filesystem")).get("allowWrite")).isEqualTo(List.of("/home"));
    }

    @Test
    void withoutPathPoliciesTheSandboxIsOffAndWithoutADomainAllowlistTheNetworkStaysOpen() {
        PolicyDocument noPaths = parse("""
                version: "1.0"
                organization: Acme
                policies:
                  - {name: mcp, type: allowlist, target: mcpServers, values: [github], severity: error}
                """);
        assertThat(SandboxCompiler.plan(noPaths, BOB, "", NOW, SandboxCompiler.GlobExpander.NONE).active()).isFalse();
        assertThat(ManagedSettingsCompiler.compile(noPaths, BOB, "", NOW)).doesNotContainKey("sandbox");

        PolicyDocument readsOnly = parse("""
                version: "1.0"
                organization: Acme
                enforcement: {os_sandbox: best-effort}
                policies:
                  - {name: secrets, type: denylist, target: readPath, values: ["~/.aws/*"], severity: error}
                """);
        Map<String, Object> settings = ManagedSettingsCompiler.compile(readsOnly, BOB, "", NOW);
        Map<?, ?> sandbox = (Map<?, ?>) settings.get("sandbox");
        assertThat(sandbox.get("failIfUnavailable")).isEqualTo(false);
        assertThat(((Map<?, ?>) sandbox.get("filesystem")).get("allowWrite")).as("no writePath allowlist: writes stay open").isEqualTo(List.of("/"));
        assertThat(((Map<?, ?>) sandbox.get("network")).get("allowedDomains")).isEqualTo(List.of("*"));
    }

    @Test
    void theDocumentMayTurnTheSandboxOffAndAnUnknownModeIsRefused() {
        PolicyDocument off = parse(RED_TEAM.replace("policies:", "enforcement: {os_sandbox: 'off'}\npolicies:"));
        assertThat(SandboxCompiler.plan(off, BOB, "", NOW, SandboxCompiler.GlobExpander.NONE).active()).isFalse();
        try {
            PolicyParser.parse("p.yaml", RED_TEAM.replace("policies:", "enforcement: {os_sandbox: always}\npolicies:"));
            throw new AssertionError("an unknown os_sandbox mode must be refused");
        } catch (PolicyValidationException e) {
            assertThat(e.getMessage()).contains("os_sandbox must be 'required', 'best-effort' or 'off', found 'always'");
        }
    }

    @Test
    void severalWriteAllowlistsAllowOnlyWhatEachAllows() {
        PolicyDocument two = parse("""
                version: "1.0"
                organization: Acme
                policies:
                  - {name: home, type: allowlist, target: writePath, values: ["~/*"], severity: error}
                  - {name: projects, type: allowlist, target: writePath, values: ["~/src/**", "/opt/**"], severity: error}
                """);
        Map<?, ?> filesystem = (Map<?, ?>) SandboxCompiler.plan(two, BOB, "", NOW, SandboxCompiler.GlobExpander.NONE).settings().get("filesystem");
        assertThat(filesystem.get("allowWrite")).isEqualTo(List.of("~/src"));
    }
}
