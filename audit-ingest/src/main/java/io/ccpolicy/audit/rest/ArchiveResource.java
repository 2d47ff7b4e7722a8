package io.ccpolicy.audit.rest;

import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.audit.service.ManifestSigningKey;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** The public half of the manifest signing key, for {@code hook-agent verify-audit --s3 --public-key}. */
@Path("/api/v1/audit/archive")
public class ArchiveResource {

    private final ManifestSigningKey key;

    public ArchiveResource(ManifestSigningKey key) {
        this.key = key;
    }

    @GET
    @Path("/public-key")
    @RolesAllowed("audit-reader")
    @Produces("application/x-pem-file")
    public String publicKey() {
        return Ed25519.publicKeyPem(key.publicKey());
    }
}
