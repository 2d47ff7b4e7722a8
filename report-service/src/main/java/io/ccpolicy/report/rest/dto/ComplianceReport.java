package io.ccpolicy.report.rest.dto;

import java.time.Instant;
import java.util.List;

/**
 * A compliance report for one period: each control with its status, the numbers behind it, the evidence (what was
 * recorded, by whom, when) and the gaps found. {@code status} is {@code satisfied} when no control has a gap.
 */
public record ComplianceReport(String framework, String title, Instant from, Instant to, Instant generatedAt, String generatedBy,
        String status, List<Control> controls, List<String> notes) {

    public static final String SATISFIED = "satisfied";
    public static final String GAPS = "gaps";

    public record Control(String id, String title, String status, List<Metric> metrics, List<String> evidence, List<String> gaps) {
    }

    public record Metric(String name, long value) {
    }
}
