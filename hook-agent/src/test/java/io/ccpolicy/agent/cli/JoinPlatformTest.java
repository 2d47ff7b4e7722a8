package io.ccpolicy.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.sign.Ed25519;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code login --server URL}: the agent configures itself from policy-service's agent setup, but pins the bundle key
 * only under the fingerprint a person was given; a key it was not told about is refused and nothing is written.
 */
class JoinPlatformTest {

    @TempDir
    Path state;

    private final PublicKey bundleKey = Ed25519.generate().getPublic();
    private HttpServer platform;
    private String url;

    @BeforeEach
    void servePlatform() throws Exception {
        platform = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        url = "http://127.0.0.1:" + platform.getAddress().getPort();
        String setup = Json.compact(java.util.Map.of("organization", "Acme", "tokenUrl", url + "/realms/acme/protocol/openid-connect/token",
                "clientId", "ccpolicy-agent", "exceptionsUrl", "http://127.0.0.1:9/exceptions",
                // The fingerprint a server claims is not believed: the agent recomputes it from the key.
                "bundleKeys", List.of(java.util.Map.of("fingerprint", "SHA256:" + "0".repeat(64), "publicKey", Ed25519.publicKeyPem(bundleKey))),
                "audit", java.util.Map.of("topic", "audit.events.v1", "kafka", java.util.Map.of("bootstrap.servers", "127.0.0.1:9094",
                        "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "OAUTHBEARER"))));
        platform.createContext("/", exchange -> {
            byte[] body = exchange.getRequestURI().getPath().equals("/api/v1/agent-setup") ? setup.getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        platform.start();
    }

    @AfterEach
    void stop() {
        platform.stop(0);
    }

    @Test
    void withoutAFingerprintToCompareNothingIsPinnedAndTheFingerprintIsShown() throws Exception {
        Run run = login("--server", url);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains(Ed25519.fingerprint(bundleKey)).contains("--trust-key " + Ed25519.fingerprint(bundleKey));
        assertThat(state.resolve("agent.yaml")).doesNotExist();
    }

    @Test
    void aKeyOtherThanTheOneGivenIsRefused() throws Exception {
        String impostor = Ed25519.fingerprint(Ed25519.generate().getPublic());
        Run run = login("--server", url, "--trust-key", impostor);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("not with the " + impostor).contains("Do not go on");
        assertThat(state.resolve("agent.yaml")).doesNotExist();
        assertThat(state.resolve("bundle-key.pem")).doesNotExist();
        // Nor the fingerprint the server claims for itself.
        assertThat(login("--server", url, "--trust-key", "SHA256:" + "0".repeat(64)).exit()).isEqualTo(1);
    }

    @Test
    void theGivenFingerprintPinsTheKeyAndTheAgentIsConfiguredWithNothingElse() throws Exception {
        Run run = login("--server", url, "--trust-key", Ed25519.fingerprint(bundleKey).toUpperCase().replace("SHA256:", ""));
        assertThat(run.out()).contains("Joined Acme at " + url).contains("bundle key " + Ed25519.fingerprint(bundleKey) + " pinned");
        // The sign-in then starts against the identity provider the platform named (which this stand-in does not offer).
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains(url + "/realms/acme").contains("no device sign-in");

        AgentConfig agent = AgentConfig.load(state.resolve("agent.yaml"), state);
        assertThat(agent.server().url()).hasToString(url);
        assertThat(Ed25519.publicKey(Files.readString(agent.server().publicKeys().get(0)))).isEqualTo(bundleKey);
        assertThat(agent.server().machineCredentials()).as("no shared client secret on the machine").isFalse();
        assertThat(agent.server().signInClient()).isEqualTo("ccpolicy-agent");
        assertThat(agent.server().exceptionsUrl()).hasToString("http://127.0.0.1:9/exceptions");
        assertThat(agent.identity().email()).as("who uses the machine comes from the sign-in, not from a file").isEmpty();
        assertThat(agent.shipping().kafka()).containsEntry("sasl.mechanism", "OAUTHBEARER").containsEntry("bootstrap.servers", "127.0.0.1:9094");

        // A second login keeps the pinned key whatever the server offers now.
        Files.writeString(state.resolve("bundle-key.pem.before"), Files.readString(state.resolve("bundle-key.pem")));
        login("--server", url, "--trust-key", Ed25519.fingerprint(Ed25519.generate().getPublic()));
        assertThat(state.resolve("bundle-key.pem")).hasSameTextualContentAs(state.resolve("bundle-key.pem.before"));
    }

    @Test
    void aSetupWithoutAUsableSignInUrlIsRefusedNamingTheFieldAndNothingIsWritten() throws Exception {
        HttpServer broken = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        byte[] setup = Json.compact(java.util.Map.of("tokenUrl", "sso.acme.example/token", "bundleKeys",
                List.of(java.util.Map.of("publicKey", Ed25519.publicKeyPem(bundleKey))))).getBytes(StandardCharsets.UTF_8);
        broken.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, setup.length);
            exchange.getResponseBody().write(setup);
            exchange.close();
        });
        broken.start();
        try {
            Run run = login("--server", "http://127.0.0.1:" + broken.getAddress().getPort(), "--trust-key", Ed25519.fingerprint(bundleKey));
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.err()).contains("gives tokenUrl 'sso.acme.example/token', not an http(s) URL").doesNotContain("internal error");
            assertThat(state.resolve("agent.yaml")).doesNotExist();
        } finally {
            broken.stop(0);
        }
    }

    private Run login(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> argv = new java.util.ArrayList<>(List.of(args));
        argv.addAll(List.of("--state-dir", state.toString()));
        int exit = LoginCommand.login(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int exit, String out, String err) {
    }
}
