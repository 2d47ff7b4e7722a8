package io.ccpolicy.exceptions.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * A developer's request: the policy, the scope ({@code user} means the requester; {@code team} or {@code project}
 * names one in {@code scopeValue}), an optional value (e.g. the MCP server), the reason and how long (e.g.
 * {@code 24h}, {@code 7d}, {@code PT4H}).
 */
public record ExceptionRequestInput(@NotBlank String policy,
        @NotBlank @Pattern(regexp = "user|team|project", message = "must be user, team or project") String scope, String scopeValue,
        String value, @NotBlank String reason, @NotBlank String duration) {
}
