package io.ccpolicy.agent.audit;

import java.util.List;

/** Where the shipper sends a batch of spooled events: Kafka directly, or audit-ingest's HTTPS batch endpoint. */
interface AuditTransport extends AutoCloseable {

    /**
     * Sends the lines and returns, for each, null once the audit service holds it, or why it never can (the shipper
     * sets such a line aside). Throws while the service cannot be reached or did not confirm every line: the whole
     * batch is then sent again, which the service's idempotency on eventId makes harmless.
     */
    List<String> send(List<String> lines) throws Exception;

    /** What {@code status} names as the destination. */
    String destination();

    @Override
    void close();
}
