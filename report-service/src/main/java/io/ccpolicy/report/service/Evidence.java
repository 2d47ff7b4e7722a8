package io.ccpolicy.report.service;

import io.ccpolicy.report.client.ArchiveVerification;
import io.ccpolicy.report.client.AuditSummary;
import io.ccpolicy.report.client.ExceptionRequest;
import io.ccpolicy.report.client.PolicyVersion;
import io.ccpolicy.report.client.Publication;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the services say about a period: audit-ingest's summary and the recorded verification of the period's sealed
 * archive hours, policy-service's versions and publications (newest first, with the organisation's document in force,
 * null when none), exception-service's requests with the history of each one that concerns the period.
 */
public record Evidence(Instant from, Instant to, AuditSummary summary, ArchiveVerification archiveVerification, List<PolicyVersion> versions,
        List<Publication> publications, String organizationDocument, List<ExceptionRequest> exceptions,
        Map<String, List<ExceptionRequest.Transition>> histories) {
}
