package io.ccpolicy.exceptions.rest.dto;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A developer's request: the policy, the scope ({@code user} means the requester; {@code team} or {@code project}
 * names one in {@code scopeValue}), an optional value (e.g. the MCP server), the reason and how long (e.g.
 * {@code 24h}, {@code 7d}, {@code PT4H}); optionally the refused call that made the developer ask. Every text is
 * bounded: a request travels on to Kafka and to every agent.
 */
public record ExceptionRequestInput(@NotBlank @Size(max = 200) String policy,
        @NotBlank @Pattern(regexp = "user|team|project", message = "must be user, team or project") String scope,
        @Size(max = 500) String scopeValue, @Size(max = 2000) String value, @NotBlank @Size(max = 4000) String reason,
        @NotBlank @Size(max = 32) String duration, @Valid DeniedCall trigger) {
}
