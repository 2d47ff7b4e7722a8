package io.ccpolicy.report.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.ServiceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads another service's API as the caller (their bearer token), so a report shows only what its reader may see. */
@ApplicationScoped
public class PlatformClient {

    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public PlatformClient(ObjectMapper json) {
        this.json = json;
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
