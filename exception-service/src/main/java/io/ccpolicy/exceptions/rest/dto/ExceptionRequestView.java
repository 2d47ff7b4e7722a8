package io.ccpolicy.exceptions.rest.dto;

import java.time.Instant;
import java.util.UUID;

public record ExceptionRequestView(UUID id, String policy, String value, String scopeType, String scopeValue, String requester,
        String reason, String requestedDuration, String state, String decidedBy, Instant expiresAt, Instant createdAt, DeniedCall trigger) {
}
