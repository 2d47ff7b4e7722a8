package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.json.Json;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/** An OAuth2 access token from the client-credentials grant, reused until shortly before it expires. */
public final class ClientCredentials implements Supplier<String> {

    private final AgentConfig.ServerSync server;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    private Instant renewAt = Instant.MIN;

    public ClientCredentials(AgentConfig.ServerSync server, Clock clock) {
        this.server = server;
        this.clock = clock;
    }

    @Override
    public synchronized String get() {
        if (token != null && clock.instant().isBefore(renewAt)) {
            return token;
        }
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(server.clientId(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(server.clientSecret(), StandardCharsets.UTF_8);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.tokenUrl()).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String[] problem = new String[1];
            Map<String, Object> body = Json.object(response.body(), problem).orElse(Map.of());
            if (response.statusCode() != 200 || !(body.get("access_token") instanceof String access)) {
                throw new IllegalStateException("the identity provider refused the agent's client credentials: HTTP " + response.statusCode()
                        + " " + body.getOrDefault("error_description", body.getOrDefault("error", "")));
            }
            long lifetime = body.get("expires_in") instanceof Number n ? n.longValue() : 60;
            token = access;
            renewAt = clock.instant().plusSeconds(Math.max(5, lifetime - 30));
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("identity provider not reachable at " + server.tokenUrl() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
