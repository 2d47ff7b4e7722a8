package io.ccpolicy.policy.rest.dto;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A machine's enrolment: its id and its Ed25519 public key (PEM); the identity is the caller's token's. */
public record EnrolRequest(@NotBlank @Size(max = 200) String machineId, @NotBlank @Size(max = 1000) String publicKey) {
}
