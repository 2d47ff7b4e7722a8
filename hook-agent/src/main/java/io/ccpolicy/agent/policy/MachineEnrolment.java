package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Registers this machine's public key with policy-service, bound to the identity of the token it is sent with. */
public final class MachineEnrolment {

    private MachineEnrolment() {
    }

    /** Enrols the machine; returns the key id; the exception says what policy-service answered otherwise. */
    public static String enrol(AgentConfig agent, Path stateDir, String token) throws IOException, InterruptedException {
        MachineKey key = MachineKey.load(stateDir);
        URI uri = URI.create(agent.server().url().toString().replaceAll("/+$", "") + "/api/v1/enrolments");
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.compact(Map.of("machineId", agent.machineId(), "publicKey", key.publicKeyPem()))))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            Map<String, Object> problem = Json.object(response.body(), new String[1]).orElse(Map.of());
            throw new IllegalStateException("policy-service refused the enrolment of " + agent.machineId() + " (HTTP " + response.statusCode() + "): "
                    + problem.getOrDefault("detail", response.body()));
        }
        return key.keyId();
    }
}
