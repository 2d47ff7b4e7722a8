package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.sign.Ed25519;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What policy-service says an agent needs ({@code GET /api/v1/agent-setup}), and the agent.yaml written from it. The
 * bundle key is taken only under a fingerprint a person confirmed or was given: the answer may come over plain HTTP
 * or from an impostor, and a key pinned here decides which policies this machine enforces.
 */
public record PlatformSetup(URI server, String organization, URI tokenUrl, String clientId, List<Key> keys, URI exceptionsUrl,
        Map<String, String> kafka, String topic) {

    /** A bundle signing key on offer, its fingerprint recomputed here (never the one the server claims). */
    public record Key(String fingerprint, String pem) {
    }

    public static PlatformSetup fetch(URI server) throws IOException, InterruptedException {
        URI uri = URI.create(server.toString().replaceAll("/+$", "") + "/api/v1/agent-setup");
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        String[] problem = new String[1];
        Map<String, Object> body = Json.object(response.body(), problem).orElse(Map.of());
        if (response.statusCode() != 200 || body.isEmpty()) {
            throw new IllegalStateException(uri + " answered HTTP " + response.statusCode() + ", not an agent setup: is " + server
                    + " policy-service?");
        }
        List<Key> keys = new ArrayList<>();
        if (body.get("bundleKeys") instanceof List<?> offered) {
            for (Object entry : offered) {
                if (entry instanceof Map<?, ?> key && key.get("publicKey") instanceof String pem) {
                    try {
                        keys.add(new Key(Ed25519.fingerprint(Ed25519.publicKey(pem)), pem));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException(uri + " offers a bundle key that is not an Ed25519 public key: " + e.getMessage());
                    }
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(uri + " offers no bundle signing key");
        }
        if (!(body.get("tokenUrl") instanceof String)) {
            throw new IllegalStateException(uri + " names no identity provider (tokenUrl): policy-service's agent-setup.token-url is not set");
        }
        URI tokenUrl = url(body, "tokenUrl", uri);
        URI exceptionsUrl = body.get("exceptionsUrl") == null ? null : url(body, "exceptionsUrl", uri);
        Map<String, String> kafka = Map.of();
        String topic = io.ccpolicy.engine.audit.AuditEvent.TOPIC;
        if (body.get("audit") instanceof Map<?, ?> audit) {
            kafka = audit.get("kafka") instanceof Map<?, ?> properties ? properties.entrySet().stream().collect(java.util.stream.Collectors
                    .toMap(e -> String.valueOf(e.getKey()), e -> String.valueOf(e.getValue()), (a, b) -> a, java.util.TreeMap::new)) : Map.of();
            topic = audit.get("topic") instanceof String t ? t : topic;
        }
        return new PlatformSetup(server, body.get("organization") instanceof String o ? o : "", tokenUrl,
                body.get("clientId") instanceof String c ? c : AgentConfig.DEFAULT_CLIENT, List.copyOf(keys), exceptionsUrl, kafka, topic);
    }

    /** An http(s) URL the setup gives in {@code field}; the error names the field and where it came from. */
    private static URI url(Map<String, Object> body, String field, URI from) {
        Object value = body.get(field);
        if (value instanceof String text && text.matches("https?://\\S+")) {
            try {
                return URI.create(text);
            } catch (IllegalArgumentException e) {
                // falls through to the error below
            }
        }
        throw new IllegalStateException(from + " gives " + field + " '" + value + "', not an http(s) URL: check policy-service's agent-setup settings");
    }

    /** The offered key with this fingerprint ({@code SHA256:} prefix and case optional), if any. */
    public Optional<Key> key(String fingerprint) {
        String wanted = fingerprint.trim().toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "");
        return keys.stream().filter(k -> k.fingerprint().toLowerCase(Locale.ROOT).equals("sha256:" + wanted)).findFirst();
    }

    /** Writes the pinned key and an agent.yaml naming this server into {@code stateDir}; returns the agent.yaml. */
    public Path writeConfig(Path stateDir, Key pinned, Instant now) throws IOException {
        Files.createDirectories(stateDir);
        Files.writeString(stateDir.resolve("bundle-key.pem"), pinned.pem());
        StringBuilder yaml = new StringBuilder()
                .append("# Written by hook-agent from ").append(server).append("/api/v1/agent-setup on ").append(now).append(".\n")
                .append("# Who you are comes from your sign-in ('hook-agent login'), inside the signed bundle, not from this file.\n")
                .append("organization: ").append(Json.compact(organization)).append('\n')
                .append("server:\n")
                .append("  url: ").append(Json.compact(server.toString())).append('\n')
                .append("  public_key: bundle-key.pem  # ").append(pinned.fingerprint()).append(", pinned ").append(now).append('\n')
                .append("  token_url: ").append(Json.compact(tokenUrl.toString())).append('\n')
                .append("  client_id: ").append(Json.compact(clientId)).append('\n');
        if (exceptionsUrl != null) {
            yaml.append("  exceptions_url: ").append(Json.compact(exceptionsUrl.toString())).append('\n');
        }
        if (!kafka.isEmpty()) {
            yaml.append("audit:\n  topic: ").append(Json.compact(topic)).append("\n  kafka:\n");
            kafka.forEach((k, v) -> yaml.append("    ").append(Json.compact(k)).append(": ").append(Json.compact(v)).append('\n'));
        }
        Path file = stateDir.resolve("agent.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
