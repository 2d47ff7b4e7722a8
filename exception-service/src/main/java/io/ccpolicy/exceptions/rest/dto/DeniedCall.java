package io.ccpolicy.exceptions.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * The refused call behind a request, as the developer's agent recorded it: its audit event id, when, the tool and what
 * it was asked to do (as masked in the audit event).
 */
public record DeniedCall(@NotBlank @Size(max = 100) String eventId, @NotNull Instant at, @NotBlank @Size(max = 200) String tool,
        @Size(max = 2000) String detail) {
}
