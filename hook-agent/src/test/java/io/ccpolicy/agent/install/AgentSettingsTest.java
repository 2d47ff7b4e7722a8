package io.ccpolicy.agent.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.settings.SandboxCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    static final Path CORPUS = Path.of("../policy-engine/src/test/resources/conformance").toAbsolutePath().normalize();

    /**
     * Found with the real CLI 2.1.331: with the sandbox on, http hooks go through the sandbox's proxy, and a policy's
     * web-domain allowlist answered every hook call with 403, so onFailure: block refused every tool call.
     */
    @Test
    void aWebDomainAllowlistLetsTheHooksReachTheAgentsPortAndNothingElseOnLoopback() throws Exception {
        Map<?, ?> network = network(AgentSettings.build(8765, policy("bash-policy.yaml"), Identity.of("bob@acme.com"), "", Instant.now(),
                SandboxCompiler.GlobExpander.NONE));
        assertThat(domains(network)).contains("github.com", "127.0.0.1:8765")
                .doesNotContain("127.0.0.1", "localhost", "*");
        assertThat(network.get("allowManagedDomainsOnly")).isEqualTo(true);
    }

    @Test
    void anOpenNetworkIsLeftAsItIs() throws Exception {
        Map<?, ?> network = network(AgentSettings.build(8765, policy("full-policy.yaml"), Identity.of("bob@acme.com"), "", Instant.now(),
                SandboxCompiler.GlobExpander.NONE));
        assertThat(domains(network)).containsExactly("*");
    }

    private static PolicyDocument policy(String name) throws Exception {
        return PolicyParser.parse(name, Files.readString(CORPUS.resolve(name)));
    }

    private static java.util.List<String> domains(Map<?, ?> network) {
        return ((java.util.List<?>) network.get("allowedDomains")).stream().map(String::valueOf).toList();
    }

    private static Map<?, ?> network(Map<String, Object> settings) {
        return (Map<?, ?>) ((Map<?, ?>) settings.get("sandbox")).get("network");
    }
}
