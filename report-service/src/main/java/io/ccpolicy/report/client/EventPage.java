package io.ccpolicy.report.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One page of audit-ingest's event search; each event as the agent recorded it (audit schema v1). */
public record EventPage(List<Row> events, String nextCursor) {

    public record Row(String eventId, String machineId, Instant occurredAt, Map<String, Object> event) {
    }
}
