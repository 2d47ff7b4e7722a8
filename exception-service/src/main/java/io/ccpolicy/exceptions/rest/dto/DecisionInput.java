package io.ccpolicy.exceptions.rest.dto;

/** An approver's or admin's decision: a reason (required to deny or revoke) and, to approve, an optional shorter expiry. */
public record DecisionInput(@jakarta.validation.constraints.Size(max = 4000) String reason,
        @jakarta.validation.constraints.Size(max = 32) String expiresIn) {
}
