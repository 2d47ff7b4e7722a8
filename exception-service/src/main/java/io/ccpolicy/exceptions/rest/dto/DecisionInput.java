package io.ccpolicy.exceptions.rest.dto;

/** An approver's or admin's decision: a reason (required to deny or revoke) and, to approve, an optional shorter expiry. */
public record DecisionInput(String reason, String expiresIn) {
}
