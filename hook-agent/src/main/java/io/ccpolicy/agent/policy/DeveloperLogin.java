package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.OwnerOnlyFiles;
import io.ccpolicy.agent.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The developer's sign-in: the OAuth 2.0 device authorization grant (RFC 8628) against the organisation's identity
 * provider, for a public client ({@code ccpolicy-agent}, {@code AgentConfig.DEFAULT_CLIENT}, by default). The refresh token is kept in the state directory,
 * readable by the agent's user only; {@link #get()} hands out access tokens refreshed from it, so bundles are issued
 * for the signed-in developer (email and teams from the token) instead of the machine's client.
 */
public final class DeveloperLogin implements Supplier<String> {

    private static final String FILE = "login.json";
    private static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    /** Where to go and what to type, as the identity provider said. */
    public record Started(String deviceCode, String userCode, URI verificationUri, URI verificationUriComplete, Duration interval,
            Instant expiresAt) {
    }

    /** Who is signed in, and until when the sign-in lasts without being used. */
    public record Session(String email, List<String> teams, Instant signedInAt, Instant refreshExpiresAt) {
    }

    private final Path stateDir;
    private final URI tokenUrl;
    private final String clientId;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String accessToken;
    private Instant renewAt = Instant.MIN;

    public DeveloperLogin(Path stateDir, URI tokenUrl, String clientId, Clock clock) {
        this.stateDir = stateDir;
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clock = clock;
    }

    /** Whether a developer is signed in on this machine (a refresh token is kept). */
    public static boolean signedIn(Path stateDir) {
        return Files.isRegularFile(stateDir.resolve(FILE));
    }

    /** Who is signed in, if anyone. */
    public static Optional<Session> session(Path stateDir) throws IOException {
        if (!signedIn(stateDir)) {
            return Optional.empty();
        }
        Map<String, Object> stored = read(stateDir);
        return Optional.of(new Session(String.valueOf(stored.get("email")), stored.get("teams") instanceof List<?> t
                ? t.stream().map(String::valueOf).toList() : List.of(), Instant.parse(String.valueOf(stored.get("signedInAt"))),
                stored.get("refreshExpiresAt") instanceof String r ? Instant.parse(r) : null));
    }

    /** The device endpoint, discovered from the issuer the token URL belongs to (OpenID Connect discovery). */
    public URI deviceEndpoint() throws IOException, InterruptedException {
        String token = tokenUrl.toString();
        String issuer = token.endsWith("/protocol/openid-connect/token") ? token.substring(0, token.length() - "/protocol/openid-connect/token".length())
                : token.replaceAll("/(oauth2/)?(v1/)?token$", "");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> config = Json.object(response.body(), new String[1]).orElse(Map.of());
        if (response.statusCode() != 200 || !(config.get("device_authorization_endpoint") instanceof String device)) {
            throw new IllegalStateException("the identity provider at " + issuer + " offers no device sign-in (no device_authorization_endpoint "
                    + "in its OpenID configuration, HTTP " + response.statusCode() + "); enable the device authorization grant for client "
                    + clientId);
        }
        return URI.create(device);
    }

    /** Asks for a user code. */
    public Started start() throws IOException, InterruptedException {
        // A session-bound refresh token: the running agent keeps the session alive; offline tokens are often not allowed.
        Map<String, Object> body = post(deviceEndpoint(), "client_id=" + encode(clientId) + "&scope=openid");
        if (!(body.get("device_code") instanceof String device) || !(body.get("user_code") instanceof String user)
                || !(body.get("verification_uri") instanceof String uri)) {
            throw new IllegalStateException("the identity provider refused the sign-in: " + problem(body));
        }
        long interval = body.get("interval") instanceof Number n ? n.longValue() : 5;
        long expires = body.get("expires_in") instanceof Number n ? n.longValue() : 600;
        return new Started(device, user, URI.create(uri), body.get("verification_uri_complete") instanceof String c ? URI.create(c) : null,
                Duration.ofSeconds(interval), clock.instant().plusSeconds(expires));
    }

    /**
     * Polls until the developer approves (then keeps the refresh token and returns who signed in), denies, or the code
     * expires; slows down when the provider asks to.
     */
    public Session complete(Started started) throws IOException, InterruptedException {
        Duration interval = started.interval();
        while (clock.instant().isBefore(started.expiresAt())) {
            Map<String, Object> body = post(tokenUrl, "grant_type=" + encode(DEVICE_GRANT) + "&device_code=" + encode(started.deviceCode())
                    + "&client_id=" + encode(clientId));
            if (body.get("access_token") instanceof String) {
                return keep(body);
            }
            String error = String.valueOf(body.get("error"));
            switch (error) {
                case "authorization_pending" -> { }
                case "slow_down" -> interval = interval.plusSeconds(5);
                case "access_denied" -> throw new IllegalStateException("the sign-in was denied");
                case "expired_token" -> throw new IllegalStateException("the code expired before it was approved; run login again");
                default -> throw new IllegalStateException("the identity provider refused the sign-in: " + problem(body));
            }
            Thread.sleep(interval.toMillis());
        }
        throw new IllegalStateException("the code expired before it was approved; run login again");
    }

    /** Forgets the sign-in. */
    public static boolean logout(Path stateDir) throws IOException {
        return Files.deleteIfExists(stateDir.resolve(FILE));
    }

    /** An access token for the signed-in developer, refreshed from the kept refresh token when due. */
    @Override
    public synchronized String get() {
        if (accessToken != null && clock.instant().isBefore(renewAt)) {
            return accessToken;
        }
        if (!signedIn(stateDir)) {
            throw new IllegalStateException("nobody is signed in on this machine: run 'hook-agent login'");
        }
        try {
            Map<String, Object> stored = read(stateDir);
            Map<String, Object> body = post(tokenUrl, "grant_type=refresh_token&refresh_token=" + encode(String.valueOf(stored.get("refreshToken")))
                    + "&client_id=" + encode(clientId));
            if (!(body.get("access_token") instanceof String)) {
                throw new IllegalStateException("the sign-in of " + stored.get("email") + " is no longer valid (" + problem(body)
                        + "); run 'hook-agent login' again");
            }
            keep(body);
            return accessToken;
        } catch (IOException e) {
            throw new IllegalStateException("identity provider not reachable at " + tokenUrl + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Session keep(Map<String, Object> body) throws IOException {
        String access = (String) body.get("access_token");
        Map<String, Object> claims = claims(access);
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("email", claims.getOrDefault("email", claims.getOrDefault("preferred_username", "")));
        stored.put("teams", claims.get("teams") instanceof List<?> teams ? teams : List.of());
        stored.put("signedInAt", clock.instant().toString());
        stored.put("refreshToken", body.get("refresh_token"));
        long refreshLifetime = body.get("refresh_expires_in") instanceof Number n ? n.longValue() : 0;
        stored.put("refreshExpiresAt", refreshLifetime > 0 ? clock.instant().plusSeconds(refreshLifetime).toString() : null);
        if (!(stored.get("refreshToken") instanceof String)) {
            throw new IllegalStateException("the identity provider gave no refresh token; the agent cannot stay signed in");
        }
        write(stored);
        accessToken = access;
        long lifetime = body.get("expires_in") instanceof Number n ? n.longValue() : 60;
        renewAt = clock.instant().plusSeconds(Math.max(5, lifetime - 30));
        return session(stateDir).orElseThrow();
    }

    private void write(Map<String, Object> stored) throws IOException {
        OwnerOnlyFiles.replace(stateDir.resolve(FILE), Json.write(stored) + "\n");
    }

    private static Map<String, Object> read(Path stateDir) throws IOException {
        String[] problem = new String[1];
        return Json.object(Files.readString(stateDir.resolve(FILE)), problem)
                .orElseThrow(() -> new IOException(stateDir.resolve(FILE) + " is not readable (" + problem[0] + "); run 'hook-agent login' again"));
    }

    /** The token's claims, read without verification: only to say who signed in; the services verify the token itself. */
    private static Map<String, Object> claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return Map.of();
        }
        return Json.object(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8), new String[1]).orElse(Map.of());
    }

    private Map<String, Object> post(URI uri, String form) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Json.object(response.body(), new String[1]).orElse(Map.of("error", "HTTP " + response.statusCode()));
    }

    private static String problem(Map<String, Object> body) {
        return String.valueOf(body.getOrDefault("error_description", body.getOrDefault("error", "no reason given")));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
