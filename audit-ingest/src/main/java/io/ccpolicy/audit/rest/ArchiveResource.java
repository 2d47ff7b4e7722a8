package io.ccpolicy.audit.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.service.ArchiveStore;
import io.ccpolicy.audit.service.ManifestSigningKey;
import io.ccpolicy.engine.audit.ArchiveVerifier;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.service.rest.QueryParams;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The archive's public key (for {@code hook-agent verify-audit --s3 --public-key}) and its verification, here, for reports. */
@Path("/api/v1/audit/archive")
public class ArchiveResource {

    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final ManifestSigningKey key;
    private final ArchiveStore store;
    private final ObjectMapper json;

    public ArchiveResource(ManifestSigningKey key, ArchiveStore store, ObjectMapper json) {
        this.key = key;
        this.store = store;
        this.json = json;
    }

    @GET
    @Path("/public-key")
    @RolesAllowed("audit-reader")
    @Produces("application/x-pem-file")
    public String publicKey() {
        return Ed25519.publicKeyPem(key.publicKey());
    }

    @GET
    @Path("/verification")
    @RolesAllowed("audit-reader")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Verifies the S3 archive's sealed hours in [from, to]: manifest signatures and chain, every object's presence and "
            + "SHA-256, unlisted objects, and the events' hash chains inside the objects (the same check as hook-agent verify-audit --s3)")
    public ArchiveVerifier.Report verify(@QueryParam("from") String from, @QueryParam("to") String to) {
        ArchiveVerifier.Storage storage = new ArchiveVerifier.Storage() {
            @Override
            public List<String> list(String prefix) {
                return store.keys(prefix);
            }

            @Override
            public byte[] read(String objectKey) {
                return store.read(objectKey);
            }
        };
        return new ArchiveVerifier(storage, key.publicKey(), text -> {
            try {
                return json.readValue(text, OBJECT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).verify(QueryParams.instant("from", from), QueryParams.instant("to", to));
    }
}
