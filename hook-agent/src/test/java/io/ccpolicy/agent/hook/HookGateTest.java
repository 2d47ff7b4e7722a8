package io.ccpolicy.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.config.HookSecret;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.install.AgentSettings;
import io.ccpolicy.agent.install.ClaudeUserSettings;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.server.HookServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loopback port as an attacker sees it, over a real socket: a web page (Origin), a DNS-rebinding page (a foreign
 * Host) and a local process without the install's secret are refused, fail-closed for decision events, and never reach
 * the hook service; Claude Code's requests (the secret in its header) do.
 */
class HookGateTest {

    @TempDir
    Path state;

    private final AtomicInteger served = new AtomicInteger();
    private HookSecret secret;
    private HookServer server;

    @BeforeEach
    void start() throws Exception {
        secret = HookSecret.load(state);
        HookServer.Handler service = request -> {
            served.incrementAndGet();
            return HookServer.Response.json(200, request.path().equals("/health") ? "{\"status\":\"UP\",\"user\":\"bob@acme.com\"}" : "{}");
        };
        server = new HookServer(0, 64 * 1024, 8, new HookGate(secret, service, new AgentLog(new PrintStream(new ByteArrayOutputStream()))));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private String send(String method, String path, String headers) throws Exception {
        String body = method.equals("POST") ? "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}" : "";
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\n" + headers + "Content-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String claudeCode() {
        return "Host: 127.0.0.1:" + server.port() + "\r\n" + HookSecret.HEADER + ": " + secret.value() + "\r\n";
    }

    @Test
    void claudeCodesRequestsPass() throws Exception {
        assertThat(send("POST", "/hooks/PreToolUse", claudeCode())).startsWith("HTTP/1.1 200");
        assertThat(send("GET", "/health", claudeCode())).contains("bob@acme.com");
        assertThat(served).hasValue(2);
    }

    @Test
    void aWebPageIsRefusedWhateverItSends() throws Exception {
        assertThat(send("POST", "/hooks/PreToolUse", claudeCode() + "Origin: https://evil.example\r\n")).startsWith("HTTP/1.1 403")
                .contains("requests from web pages are refused");
        assertThat(send("GET", "/health", "Host: evil.example:" + server.port() + "\r\n")).as("DNS rebinding").startsWith("HTTP/1.1 403");
        assertThat(send("POST", "/hooks/PreToolUse", "Host: evil.example\r\n" + HookSecret.HEADER + ": " + secret.value() + "\r\n"))
                .startsWith("HTTP/1.1 403");
        assertThat(served).hasValue(0);
    }

    @Test
    void aHookCallWithoutTheSecretIsRefusedTheWayClaudeCodeBlocks() throws Exception {
        for (String headers : List.of("Host: 127.0.0.1\r\n", "Host: localhost:" + server.port() + "\r\n" + HookSecret.HEADER + ": guess\r\n",
                "Host: 127.0.0.1\r\n" + HookSecret.HEADER + ": " + secret.value().substring(1) + "\r\n")) {
            String answer = send("POST", "/hooks/PreToolUse", headers);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"permissionDecision\":\"deny\"").contains("does not carry the agent's secret");
        }
        assertThat(send("POST", "/hooks/UserPromptSubmit", "Host: 127.0.0.1\r\n")).contains("\"decision\":\"block\"");
        assertThat(served).as("never answered, never audited as Claude Code's").hasValue(0);
    }

    @Test
    void healthWithoutTheSecretSaysNothingPersonal() throws Exception {
        String health = send("GET", "/health", "Host: 127.0.0.1:" + server.port() + "\r\n");
        assertThat(health).startsWith("HTTP/1.1 200").contains("\"status\":\"UP\"").doesNotContain("bob@acme.com");
    }

    @Test
    void theSecretIsTheOwnersAloneAndReachesClaudeCodeOnlyThroughTheirSettings() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("hook-secret")))).isEqualTo("rw-------");
        assertThat(HookSecret.load(state)).as("stable across restarts").isEqualTo(secret);

        Path home = Files.createDirectories(state.resolve("home"));
        Files.createDirectories(home.resolve(".claude"));
        Files.writeString(ClaudeUserSettings.file(home), "{\"model\": \"sonnet\", \"env\": {\"FOO\": \"bar\"}}");
        assertThat(ClaudeUserSettings.ensureHookSecret(home, secret)).isTrue();
        assertThat(ClaudeUserSettings.ensureHookSecret(home, secret)).as("written once").isFalse();
        String settings = Files.readString(ClaudeUserSettings.file(home));
        assertThat(settings).contains("\"model\"").contains("\"FOO\"").contains(HookSecret.ENV).contains(secret.value());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ClaudeUserSettings.file(home)))).isEqualTo("rw-------");

        String managed = io.ccpolicy.agent.json.Json.write(AgentSettings.build(8765, null, io.ccpolicy.engine.model.Identity.of(""), "",
                Instant.now(), null));
        assertThat(managed).as("the world-readable managed settings name the variable, never the value")
                .contains("\"" + HookSecret.HEADER + "\" : \"${" + HookSecret.ENV + "}\"").contains("\"allowedEnvVars\" : [ \"" + HookSecret.ENV + "\" ]")
                .contains(HookSecret.HEADER + ": $" + HookSecret.ENV).doesNotContain(secret.value());
        Files.writeString(ClaudeUserSettings.file(home), "not json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClaudeUserSettings.ensureHookSecret(home, secret))
                .hasMessageContaining("is not a JSON object");
        assertThat(Files.readString(ClaudeUserSettings.file(home))).as("a file it cannot read is left alone").isEqualTo("not json");
    }

    @Test
    void aSecretFileThatHoldsNoSecretIsNotUsed() throws Exception {
        Files.writeString(state.resolve("hook-secret"), "short\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HookSecret.load(state)).hasMessageContaining("holds no usable secret");
    }
}
