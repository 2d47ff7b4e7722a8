package io.ccpolicy.policy.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Puts {@code revision} in force for {@code scope}; {@code canaryPercent} below 100 is a staged rollout (that share of
 * machines first). Publishing the same revision again at 100 promotes the canary to everyone.
 */
public record PublishRequest(@NotNull @Min(1) Long revision, @NotNull @Valid Scope scope,
        @Min(1) @Max(100) Integer canaryPercent, @NotBlank String note) {
}
