package io.ccpolicy.policy.config;

import io.ccpolicy.service.keys.SigningKey;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The key bundles are signed with, loaded at startup: without a usable one the service refuses to start. */
public class BundleSigningKeyProducer {

    @Produces
    @Startup
    @Singleton
    SigningKey bundleSigningKey(PolicyServiceConfig config) {
        PolicyServiceConfig.Bundle bundle = config.bundle();
        return SigningKey.load("policy-service.bundle", bundle.signingKey(), bundle.signingKeyFile(), bundle.generateMissingKey());
    }
}
