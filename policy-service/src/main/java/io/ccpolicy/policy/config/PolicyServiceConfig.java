package io.ccpolicy.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "policy-service")
public interface PolicyServiceConfig {

    Bundle bundle();

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
