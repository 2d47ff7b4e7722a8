package io.ccpolicy.policy.service;

import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.policy.config.PolicyServiceConfig;
import io.ccpolicy.service.config.SigningKeys;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PrivateKey;
import java.security.PublicKey;

/** The key bundles are signed with; without a usable one the service refuses to start. */
@Startup
@ApplicationScoped
public class BundleSigningKey {

    private final PublicKey publicKey;
    private final io.ccpolicy.engine.sign.Signer signer;

    public BundleSigningKey(PolicyServiceConfig config) {
        PolicyServiceConfig.Bundle bundle = config.bundle();
        PrivateKey privateKey = SigningKeys.load("policy-service.bundle", bundle.signingKey(), bundle.signingKeyFile(), bundle.generateMissingKey());
        this.publicKey = Ed25519.publicKeyOf(privateKey);
        this.signer = Ed25519.signer(privateKey);
    }

    /** Signs bundles; made once, as a publication signs one per developer. */
    public io.ccpolicy.engine.sign.Signer signer() {
        return signer;
    }

    public PublicKey publicKey() {
        return publicKey;
    }
}
