package io.ccpolicy.audit.rest.dto;

import io.ccpolicy.audit.service.AuditBatch;
import java.util.List;

/**
 * What became of a posted batch: {@code accepted} events are in audit.events.v1 (acknowledged by Kafka); the
 * {@code refused} lines can never be accepted, so the agent sets them aside instead of sending them again. Together they
 * are every non-blank line of the batch, so the agent may advance its spool past it.
 */
public record AuditBatchReceipt(int lines, int accepted, List<AuditBatch.Refusal> refused) {
}
