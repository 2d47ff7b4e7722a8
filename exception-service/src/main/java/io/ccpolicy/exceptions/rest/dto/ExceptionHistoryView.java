package io.ccpolicy.exceptions.rest.dto;

import java.time.Instant;

public record ExceptionHistoryView(String fromState, String toState, String actor, String note, Instant at) {
}
