package io.ccpolicy.policy.rest;

import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.policy.config.PolicyServiceConfig;
import io.ccpolicy.policy.rest.dto.AgentSetup;
import io.ccpolicy.service.keys.SigningKey;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * What {@code hook-agent login --server URL} needs to configure itself. Unauthenticated: the agent has no token yet.
 * Nothing in it is secret (public keys and URLs), and nothing in it is trusted because it arrived: the agent pins the
 * bundle key by a fingerprint a person confirms.
 */
@Path("/api/v1/agent-setup")
public class AgentSetupResource {

    private final AgentSetup setup;

    public AgentSetupResource(PolicyServiceConfig config, SigningKey key) {
        PolicyServiceConfig.AgentSetup agent = config.agentSetup();
        Map<String, String> kafka = new LinkedHashMap<>();
        agent.auditBootstrapServers().ifPresent(servers -> {
            kafka.put("bootstrap.servers", servers);
            kafka.put("security.protocol", agent.auditSecurityProtocol());
            kafka.put("sasl.mechanism", "OAUTHBEARER");
        });
        this.setup = new AgentSetup(agent.organization(), agent.tokenUrl().orElse(null), agent.clientId(),
                List.of(new AgentSetup.BundleKey(Ed25519.fingerprint(key.publicKey()), Ed25519.publicKeyPem(key.publicKey()))),
                agent.exceptionsUrl().orElse(null), kafka.isEmpty() ? null : new AgentSetup.Audit(AuditEvent.TOPIC, java.util.Collections.unmodifiableMap(kafka)));
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "How an agent joins this platform: sign-in, bundle key fingerprints, exception and audit endpoints")
    public AgentSetup setup() {
        return setup;
    }
}
