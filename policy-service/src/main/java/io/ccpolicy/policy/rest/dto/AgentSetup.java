package io.ccpolicy.policy.rest.dto;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * How an agent joins this platform: where developers sign in, the bundle signing keys with their fingerprints (the
 * agent pins one of these, confirmed by a person or by the fingerprint the platform printed), where exceptions are
 * requested and where audit events go.
 */
public record AgentSetup(String organization, URI tokenUrl, String clientId, List<BundleKey> bundleKeys, URI exceptionsUrl, Audit audit) {

    /** A bundle signing key: PEM and its SHA-256 fingerprint. */
    public record BundleKey(String fingerprint, String publicKey) {
    }

    /** Where the agent ships audit events: Kafka producer properties and the topic. */
    public record Audit(String topic, Map<String, String> kafka) {
    }
}
