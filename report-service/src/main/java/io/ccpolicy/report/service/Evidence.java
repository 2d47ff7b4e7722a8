package io.ccpolicy.report.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the services say about a period, as they answered: audit-ingest's summary and the recorded verification of the
 * period's sealed archive hours, policy-service's versions and publications (with the organisation's document in
 * force), exception-service's requests with the history of each one that concerns the period.
 */
public record Evidence(Instant from, Instant to, JsonNode summary, JsonNode archiveVerification, List<JsonNode> versions,
        List<JsonNode> publications, String organizationDocument, List<JsonNode> exceptions, Map<String, List<JsonNode>> histories) {
}
