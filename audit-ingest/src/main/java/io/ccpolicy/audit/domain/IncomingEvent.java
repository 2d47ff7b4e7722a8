package io.ccpolicy.audit.domain;

import java.time.Instant;
import java.util.Map;

/** A valid record of audit.events.v1: the stored columns, the parsed event (for chain checks) and where it came from. */
public record IncomingEvent(String eventId, String machineId, String eventType, Instant occurredAt, String payload,
        Map<String, Object> event, int partition, long offset) {
}
