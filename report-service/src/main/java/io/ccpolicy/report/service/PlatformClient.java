package io.ccpolicy.report.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.ServiceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads another service's API as the caller (their bearer token), so a report shows only what its reader may see. */
@ApplicationScoped
public class PlatformClient {

    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public PlatformClient(ObjectMapper json) {
        this.json = json;
    }

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
            throw new ServiceUnavailableException(service + " at " + base + " is not reachable (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while calling " + service);
        }
    }

    public JsonNode get(String service, URI base, String pathAndQuery, String bearerToken) {
        URI uri = base.resolve(pathAndQuery);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + bearerToken)
                .header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ServiceUnavailableException(service + " at " + base + " is not reachable (" + e.getMessage() + "); the report needs its evidence");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while reading " + service);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new ForbiddenException("The report reads " + service + " with your token, and " + service + " refused it (HTTP "
                        + response.statusCode() + " for " + uri.getPath() + ").");
            }
            if (response.statusCode() != 200) {
                throw new ServiceUnavailableException(service + " answered HTTP " + response.statusCode() + " for " + uri.getPath());
            }
            return json.readTree(body);
        } catch (IOException e) {
            throw new ServiceUnavailableException(service + "'s answer could not be read: " + e.getMessage());
        }
    }
}
