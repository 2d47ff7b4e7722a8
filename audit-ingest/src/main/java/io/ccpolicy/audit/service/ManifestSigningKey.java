package io.ccpolicy.audit.service;

import io.ccpolicy.audit.config.AuditIngestConfig;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.service.config.SigningKeys;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * The Ed25519 key that signs archive manifests, loaded at startup: a deployment without a usable key refuses to start
 * (it would otherwise archive what nobody can later prove).
 */
@Startup
@ApplicationScoped
public class ManifestSigningKey {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public ManifestSigningKey(AuditIngestConfig config) {
        AuditIngestConfig.Archive archive = config.archive();
        this.privateKey = SigningKeys.load("audit-ingest.archive", archive.signingKey(), archive.signingKeyFile(), archive.generateMissingKey());
        this.publicKey = Ed25519.publicKeyOf(privateKey);
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }
}
