package io.ccpolicy.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "policy-service")
public interface PolicyServiceConfig {

    Bundle bundle();

    Impact impact();

    AgentSetup agentSetup();

    /**
     * What an agent needs besides policy-service's URL, published unauthenticated at {@code /api/v1/agent-setup} so that
     * {@code hook-agent login --server URL} configures itself. The bundle key in it is pinned by fingerprint, not trusted
     * because it arrived.
     */
    interface AgentSetup {
        /** The organisation's name, as agents show it. */
        @WithDefault("Acme")
        String organization();

        /** The identity provider's token endpoint; its device endpoint is found by OpenID Connect discovery. */
        Optional<URI> tokenUrl();

        /** The public OIDC client agents sign developers in with (device authorization grant). */
        @WithDefault("ccpolicy-agent")
        String clientId();

        /** exception-service, where developers request exceptions. */
        Optional<URI> exceptionsUrl();

        /** The Kafka listener agents ship audit events to (SASL/OAUTHBEARER on the developer's token). */
        Optional<String> auditBootstrapServers();

        /** SASL_SSL in a cluster; SASL_PLAINTEXT on the local platform's loopback listener. */
        @WithDefault("SASL_SSL")
        String auditSecurityProtocol();
    }

    /** Impact analysis replays recorded events read from audit-ingest's query API. */
    interface Impact {
        /** audit-ingest's base URL. */
        @WithDefault("http://127.0.0.1:8083")
        URI auditUrl();

        /** At most this many events are replayed per analysis; the report says when the window held more. */
        @WithDefault("200000")
        int maxEvents();

        /** How many changed calls the report lists one by one. */
        @WithDefault("50")
        int examples();
    }

    interface Bundle {
        /** The Ed25519 private key (PKCS#8 PEM) that signs bundles, as text (e.g. from a Kubernetes Secret)... */
        Optional<String> signingKey();

        /** ...or as a file. */
        Optional<Path> signingKeyFile();

        /** Create {@link #signingKeyFile()} when missing: the local platform and tests only. */
        @WithDefault("false")
        boolean generateMissingKey();

        /** The longest an agent's conditional request may wait for a change (long poll). */
        @WithDefault("60s")
        Duration maxWait();
    }
}
