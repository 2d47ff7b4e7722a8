package io.ccpolicy.report.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.report.client.ArchiveVerification;
import io.ccpolicy.report.client.AuditSummary;
import io.ccpolicy.report.client.ExceptionRequest;
import io.ccpolicy.report.client.PolicyVersion;
import io.ccpolicy.report.client.Publication;
import io.ccpolicy.report.rest.dto.ComplianceReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gaps the services' evidence can show and a live test cannot stage quickly: broken chains, an altered archive, an expired exception used. */
class ComplianceReportBuilderTest {

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");

    /** The services' answers as they write them (JSON), read into the typed clients' records as the service reads them. */
    private <T> T read(Class<T> type, String text) throws Exception {
        return json.readValue(text.replace('\'', '"'), type);
    }

    private Evidence evidence() throws Exception {
        AuditSummary summary = read(AuditSummary.class, """
                {'totals': {'events': 1200, 'toolCalls': 1000, 'fileModifications': 300, 'mcpCalls': 20, 'adminChanges': 4, 'withoutIdentity': 0,
                            'users': 12, 'machines': 14, 'sessions': 80, 'allowed': 950, 'warned': 20, 'asked': 10, 'denied': 20},
                 'deniedByPolicy': [{'key': 'protected-paths', 'count': 15}, {'key': 'no-rm', 'count': 5}],
                 'deniedByUser': [{'key': 'bob@acme.com', 'count': 20}], 'askedByPolicy': [], 'toolCalls': [{'key': 'Bash', 'count': 700}],
                 'exceptionsUsed': [{'exceptionId': 'x-1', 'decisions': 3, 'firstUse': '2026-11-10T09:00:00Z', 'lastUse': '2026-11-12T09:00:00Z',
                                     'users': ['ann@acme.com']}],
                 'adminChanges': [{'at': '2026-11-02T10:00:00Z', 'actor': 'pat@acme.com', 'change': 'policy_published', 'detail': '{}'}],
                 'integrityFindings': [{'machineId': 'm-7', 'eventId': 'evt_9', 'seq': 41, 'problem': 'sequence gap: 39 -> 41 (event missing)',
                                        'detectedAt': '2026-11-03T10:00:00Z', 'kind': 'chain'},
                                       {'machineId': 'm-8', 'eventId': 'evt_2001', 'seq': 3, 'kind': 'clock', 'detectedAt': '2026-11-04T10:00:00Z',
                                        'problem': 'timestamp 2001-03-04T05:06:07Z is 9407 days behind ingest time 2026-11-04T10:00:00Z'},
                                       {'machineId': 'm-9', 'eventId': 'evt_forged', 'kind': 'rejected', 'detectedAt': '2026-11-05T10:00:00Z',
                                        'problem': 'the event is not signed, but machine m-9 is enrolled'}],
                 'archive': {'sealedHours': 700, 'knownHours': 720}}
                """);
        ArchiveVerification archive = read(ArchiveVerification.class, """
                {'findings': [{'hour': '2026-11-05T10:00:00Z', 'where': 'events/2026-11-05T10/audit.events.v1/p0/1-9.ndjson.gz',
                               'problem': 'altered: SHA-256 is 1ab, the manifest says 2cd', 'verifiedAt': '2026-11-29T03:00:00Z'}],
                 'sealedHours': 700, 'verifiedHours': 698, 'objects': 2100, 'events': 1190,
                 'oldestVerification': '2026-11-29T03:00:00Z', 'newestVerification': '2026-11-30T02:05:00Z'}
                """);
        List<PolicyVersion> versions = List.of(read(PolicyVersion.class, "{'revision': 4, 'sha256': '0123456789abcdef', 'author': 'dana@acme.com', 'changeNote': 'tighten',"
                + " 'createdAt': '2026-11-02T09:00:00Z'}"));
        List<Publication> publications = List.of(read(Publication.class, "{'revision': 4, 'scope': {'type': 'organization', 'value': '*'}, 'canaryPercent': 100,"
                + " 'publishedBy': 'pat@acme.com', 'note': 'all', 'publishedAt': '2026-11-02T10:00:00Z'}"));
        List<ExceptionRequest> exceptions = List.of(read(ExceptionRequest.class, "{'id': 'x-1', 'policy': 'no-rm', 'value': null, 'scopeType': 'user', 'scopeValue': 'ann@acme.com',"
                + " 'requester': 'ann@acme.com', 'state': 'expired', 'decidedBy': 'carol@acme.com', 'expiresAt': '2026-11-11T09:00:00Z'}"));
        Map<String, List<ExceptionRequest.Transition>> histories = Map.of("x-1", List.of(
                read(ExceptionRequest.Transition.class, "{'fromState': 'pending', 'toState': 'approved', 'actor': 'carol@acme.com', 'at': '2026-11-10T08:00:00Z'}")));
        String document = "version: \"1.0\"\norganization: Acme\npolicies:\n"
                + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n";
        return new Evidence(FROM, TO, summary, archive, versions, publications, document, exceptions, histories);
    }

    @Test
    void brokenChainsAnAlteredArchiveAndAnExpiredExceptionInUseAreGaps() throws Exception {
        ComplianceReport hipaa = ComplianceReportBuilder.hipaa(evidence(), TO, "audrey@acme.com");
        ComplianceReport.Control integrity = hipaa.controls().get(2);
        assertThat(integrity.status()).isEqualTo("gaps");
        assertThat(integrity.gaps()).containsExactly("Chain break on m-7 at event evt_9: sequence gap: 39 -> 41 (event missing)",
                "Refused event evt_forged from m-9: the event is not signed, but machine m-9 is enrolled",
                "Clock on m-8 at event evt_2001: timestamp 2001-03-04T05:06:07Z is 9407 days behind ingest time 2026-11-04T10:00:00Z",
                "Archive: events/2026-11-05T10/audit.events.v1/p0/1-9.ndjson.gz: altered: SHA-256 is 1ab, the manifest says 2cd");
        assertThat(integrity.metrics()).contains(new ComplianceReport.Metric("hash-chain breaks", 1),
                new ComplianceReport.Metric("archive hours verified", 698),
                new ComplianceReport.Metric("archived events re-hashed", 1190), new ComplianceReport.Metric("archive findings", 1));
        assertThat(integrity.evidence()).contains("Archive verified hour by hour once sealed, and again on every sweep (verifications from "
                + "2026-11-29T03:00:00Z to 2026-11-30T02:05:00Z): 698 of 700 sealed hours, 2100 objects, 1190 events re-hashed; 1 findings",
                "2 sealed hour(s) of the period not verified yet (hours are verified within minutes of sealing).");
        assertThat(hipaa.controls().get(0).status()).as("every event carries an identity").isEqualTo("satisfied");

        ComplianceReport soc2 = ComplianceReportBuilder.soc2(evidence(), TO, "audrey@acme.com");
        ComplianceReport.Control change = soc2.controls().get(2);
        assertThat(change.gaps()).containsExactly("Exception x-1 was used at 2026-11-12T09:00:00Z, after it expired at 2026-11-11T09:00:00Z.");
        assertThat(change.evidence()).contains("Version 4 (sha256 0123456789ab) written by dana@acme.com at 2026-11-02T09:00:00Z: tighten",
                "Revision 4 published to organization * (100% of machines) by pat@acme.com at 2026-11-02T10:00:00Z");
        assertThat(soc2.controls().get(0).evidence()).contains("Denied calls by policy: protected-paths 15, no-rm 5");
        assertThat(soc2.status()).isEqualTo("gaps");
    }

    @Test
    void csvCellsThatASpreadsheetWouldRunAreDefused() throws Exception {
        ComplianceReport report = ComplianceReportBuilder.soc2(evidence(), TO, "audrey@acme.com");
        ComplianceReport.Control first = report.controls().get(0);
        ComplianceReport hostile = new ComplianceReport(report.framework(), report.title(), FROM, TO, TO, "x", report.status(),
                List.of(new ComplianceReport.Control(first.id(), first.title(), first.status(), List.of(), List.of("=HYPERLINK(\"http://evil\")"),
                        List.of())), List.of());
        assertThat(ReportDocuments.csv(hostile)).contains("evidence,,\"'=HYPERLINK(\"\"http://evil\"\")\"");
    }
}
