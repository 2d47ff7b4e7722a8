package io.ccpolicy.audit.rest;

import io.ccpolicy.audit.messaging.AuditEventAppender;
import io.ccpolicy.audit.rest.dto.AuditBatchReceipt;
import io.ccpolicy.audit.service.AuditBatch;
import io.ccpolicy.audit.service.AuditEventRecords;
import io.ccpolicy.service.rest.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * Audit over HTTPS, for laptops that cannot reach Kafka (the guide's {@code audit.destination}): an agent posts its
 * spool in batches of NDJSON, gzip-compressed or not, with its developer's (or machine's) token. The events go to
 * audit.events.v1 unchanged, where the consumer verifies each machine signature against its enrolment and stores by
 * eventId, once; so a batch sent again after a lost answer costs nothing.
 */
@Path("/api/v1/audit/batches")
public class AuditBatchResource {

    private static final Logger LOG = Logger.getLogger(AuditBatchResource.class);
    /** Decompressed: about ten thousand typical events, far above any batch_size a policy sets. */
    static final long MAX_BATCH_BYTES = 32L * 1024 * 1024;

    private final AuditEventRecords records;
    private final AuditEventAppender appender;

    public AuditBatchResource(AuditEventRecords records, AuditEventAppender appender) {
        this.records = records;
        this.appender = appender;
    }

    @POST
    @RolesAllowed({Roles.DEVELOPER, Roles.AGENT})
    @Consumes({"application/x-ndjson", MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Append a batch of audit events (NDJSON, Content-Encoding: gzip optional) to the audit stream; answers "
            + "once Kafka holds them, naming the lines that can never be accepted")
    public AuditBatchReceipt append(byte[] body, @HeaderParam("Content-Encoding") String encoding) throws InterruptedException {
        boolean gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
        if (encoding != null && !encoding.isBlank() && !gzip && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new WebApplicationException("Content-Encoding '" + encoding + "' is not supported: send gzip or nothing", 415);
        }
        AuditBatch batch;
        try {
            batch = AuditBatch.read(body, gzip, MAX_BATCH_BYTES, records);
        } catch (AuditBatch.Unreadable e) {
            throw e.tooLarge() ? new WebApplicationException(e.getMessage(), 413) : new BadRequestException(e.getMessage());
        }
        List<AuditBatch.Refusal> refused = new ArrayList<>(batch.refused());
        try {
            refused.addAll(appender.append(batch.events()));
        } catch (AuditEventAppender.Unavailable e) {
            LOG.warnf("an audit batch of %d events was not accepted: %s", batch.events().size(), e.getMessage());
            throw new ServiceUnavailableException("The audit stream is unavailable (" + e.getMessage() + "); send the batch again later.");
        }
        refused.sort(Comparator.comparingInt(AuditBatch.Refusal::line));
        int lines = batch.events().size() + batch.refused().size();
        return new AuditBatchReceipt(lines, lines - refused.size(), refused);
    }
}
