package io.ccpolicy.report.rest.dto;

/** A user whose count of one measure in the window is far above their own baseline, with the numbers and a readable reason. */
public record Anomaly(String user, String measure, long count, double baselineMean, double baselineSd, String reason) {
}
