package io.ccpolicy.service.rest;

import jakarta.ws.rs.BadRequestException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Query parameters JAX-RS cannot convert itself, read with an error that names the parameter and the expected form. */
public final class QueryParams {

    private QueryParams() {
    }

    /** An ISO-8601 timestamp with offset; null when absent. */
    public static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be an ISO-8601 timestamp like 2026-11-24T00:00:00Z, got '" + value + "'");
        }
    }
}
