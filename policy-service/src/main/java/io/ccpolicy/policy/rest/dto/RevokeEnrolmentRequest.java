package io.ccpolicy.policy.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

public record RevokeEnrolmentRequest(@NotBlank @Size(max = 2000) String reason) {
}
