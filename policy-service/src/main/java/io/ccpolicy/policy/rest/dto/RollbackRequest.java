package io.ccpolicy.policy.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/** Re-publishes the document of {@code toRevision} as a new revision, in force for everyone in {@code scope} at once. */
public record RollbackRequest(@NotNull @Valid Scope scope, @NotNull @Min(1) Long toRevision, @NotBlank String note) {
}
