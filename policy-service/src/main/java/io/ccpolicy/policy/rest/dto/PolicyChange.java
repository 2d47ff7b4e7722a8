package io.ccpolicy.policy.rest.dto;

/** One semantic difference between two versions (a policy added, removed or changed, and how). */
public record PolicyChange(String kind, String subject, String detail) {
}
