package io.ccpolicy.audit.rest.dto;

import java.time.Instant;

public record IntegrityFindingView(String machineId, String eventId, Long seq, String kind, String problem, Instant detectedAt) {
}
