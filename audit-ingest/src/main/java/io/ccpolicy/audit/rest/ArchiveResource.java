package io.ccpolicy.audit.rest;

import io.ccpolicy.audit.rest.dto.ArchiveVerificationView;
import io.ccpolicy.audit.service.ArchiveVerificationSweep;
import io.ccpolicy.service.keys.SigningKey;
import io.ccpolicy.engine.sign.Ed25519;
import io.ccpolicy.service.rest.QueryParams;
import io.ccpolicy.service.rest.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The archive's public key (for {@code hook-agent verify-audit --s3 --public-key}) and its recorded verification, for reports. */
@Path("/api/v1/audit/archive")
public class ArchiveResource {

    private final SigningKey key;
    private final ArchiveVerificationSweep sweep;

    public ArchiveResource(SigningKey key, ArchiveVerificationSweep sweep) {
        this.key = key;
        this.sweep = sweep;
    }

    @GET
    @Path("/public-key")
    @RolesAllowed(Roles.AUDIT_READER)
    @Produces("application/x-pem-file")
    public String publicKey() {
        return Ed25519.publicKeyPem(key.publicKey());
    }

    @GET
    @Path("/verification")
    @RolesAllowed(Roles.AUDIT_READER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The recorded verification of the S3 archive's sealed hours in [from, to]: each hour is verified once it is "
            + "sealed and again on every sweep (manifest signatures and chain, every object's presence and SHA-256, unlisted objects, "
            + "the events' hash chains: the same checks as hook-agent verify-audit --s3), with every finding and when it was found")
    public ArchiveVerificationView verification(@QueryParam("from") String from, @QueryParam("to") String to) {
        if (from == null || to == null) {
            throw new BadRequestException("from and to are required (ISO-8601 timestamps)");
        }
        return sweep.results(QueryParams.instant("from", from), QueryParams.instant("to", to));
    }
}
