package io.ccpolicy.audit.config;

import io.ccpolicy.service.keys.SigningKey;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The key that signs archive manifests, loaded at startup: a deployment without a usable key refuses to start (it
 * would otherwise archive what nobody can later prove).
 */
public class ManifestSigningKeyProducer {

    @Produces
    @Startup
    @Singleton
    SigningKey manifestSigningKey(AuditIngestConfig config) {
        AuditIngestConfig.Archive archive = config.archive();
        return SigningKey.load("audit-ingest.archive", archive.signingKey(), archive.signingKeyFile(), archive.generateMissingKey());
    }
}
