package io.ccpolicy.service.rest;

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

/**
 * Reads another service's API as the caller (their bearer token), so a service shows only what its caller may see.
 * The other service unreachable or failing is 503, and its refusal of the token is 403, each saying what for.
 */
@ApplicationScoped
public class CallerClient {

    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public CallerClient(ObjectMapper json) {
        this.json = json;
    }

    /**
     * GET {@code uri} of {@code service} with the caller's token, its JSON answer read as {@code type}.
     *
     * @param purpose why it is read, for the messages ("the report needs its evidence")
     * @param requiredRole the role a refused token lacks, when the caller knows it (null otherwise)
     */
    public <T> T get(String service, URI uri, String bearerToken, Class<T> type, Duration timeout, String purpose, String requiredRole) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Authorization", "Bearer " + bearerToken)
                .header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new ServiceUnavailableException(service + " at " + uri.resolve("/") + " is not reachable (" + e.getMessage() + "); " + purpose);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnavailableException("interrupted while reading " + service);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new ForbiddenException(service + " refused your token (HTTP " + response.statusCode() + " for " + uri.getPath() + "), and "
                        + purpose + (requiredRole == null ? "" : ": the token needs the " + requiredRole + " role as well") + ".");
            }
            if (response.statusCode() != 200) {
                throw new ServiceUnavailableException(service + " answered HTTP " + response.statusCode() + " for " + uri.getPath());
            }
            return json.readValue(body, type);
        } catch (IOException e) {
            throw new ServiceUnavailableException(service + "'s answer could not be read: " + e.getMessage());
        }
    }
}
