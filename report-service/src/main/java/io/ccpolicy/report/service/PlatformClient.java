package io.ccpolicy.report.service;

import io.ccpolicy.service.domain.DomainException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The dashboard's pass-through: forwards a request to another service as the signed-in user (their bearer token) and
 * hands back its answer unchanged. What the dashboard and reports read themselves goes through the typed clients.
 */
@ApplicationScoped
public class PlatformClient {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A value as it goes into a query string. */
    public static String encoded(Object value) {
        return URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8);
    }

    /** An upstream answer passed through as it is: status, content type and body (problem+json included). */
    public record Forwarded(int status, String contentType, String body) {
    }

    /**
     * Calls another service as the caller and returns its answer unchanged, so the other service stays the one that
     * decides (roles, validation, state) and its problem reaches the user as it was written.
     */
    public Forwarded forward(String service, URI base, String method, String pathAndQuery, String jsonBody, String bearerToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + bearerToken).header("Accept", "application/json");
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Forwarded(response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"), response.body());
        } catch (IOException e) {
            throw new DomainException.Unavailable(service + " at " + base + " is not reachable (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DomainException.Unavailable("interrupted while calling " + service);
        }
    }
}
