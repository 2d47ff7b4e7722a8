package io.ccpolicy.report.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.report.rest.dto.ComplianceReport;
import io.ccpolicy.report.rest.dto.ComplianceReport.Control;
import io.ccpolicy.report.rest.dto.ComplianceReport.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Turns the evidence of a period into SOC 2 or HIPAA controls. Each control states its numbers, the evidence behind
 * them and its gaps; nothing is judged that the evidence does not show. Plain logic: no I/O.
 */
public final class ComplianceReportBuilder {

    private static final int LISTED = 25;
    private static final String CHAIN = "chain";
    private static final String CLOCK = "clock";
    private static final String REJECTED = "rejected";

    private ComplianceReportBuilder() {
    }

    public static ComplianceReport soc2(Evidence e, Instant generatedAt, String generatedBy) {
        return report("soc2", "SOC 2 (Trust Services Criteria)", e, generatedAt, generatedBy, List.of(cc61(e), cc72(e), cc81(e)));
    }

    public static ComplianceReport hipaa(Evidence e, Instant generatedAt, String generatedBy) {
        return report("hipaa", "HIPAA Security Rule, technical safeguards (45 CFR 164.312)", e, generatedAt, generatedBy,
                List.of(accessControl(e), auditControls(e), integrity(e), authentication(e)));
    }

    private static ComplianceReport report(String framework, String title, Evidence e, Instant generatedAt, String generatedBy,
            List<Control> controls) {
        List<String> notes = new ArrayList<>();
        if (e.archiveVerification().path("sealedHours").asLong() == 0) {
            notes.add("No hour of the period is sealed in the archive yet (hours are sealed after they end), so the archive was not verified.");
        }
        notes.add("File contents and prompts are not stored: the evidence is hashes, counts and masked commands.");
        boolean gaps = controls.stream().anyMatch(c -> !c.gaps().isEmpty());
        return new ComplianceReport(framework, title, e.from(), e.to(), generatedAt, generatedBy,
                gaps ? ComplianceReport.GAPS : ComplianceReport.SATISFIED, controls, notes);
    }

    private static Control cc61(Evidence e) {
        JsonNode t = e.summary().path("totals");
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        long policies = organizationPolicies(e, evidence, gaps);
        evidence.add("Denied calls by policy: " + counts(e.summary().path("deniedByPolicy")));
        evidence.add("Denied calls by user: " + counts(e.summary().path("deniedByUser")));
        evidence.add("Calls held for the user's approval by policy: " + counts(e.summary().path("askedByPolicy")));
        identityGap(t, gaps);
        if (t.path("toolCalls").asLong() == 0) {
            gaps.add("No tool call was recorded in the period, so enforcement cannot be evidenced.");
        }
        return control("CC6.1", "Logical access: policy enforcement before every tool call", List.of(
                metric("policies in force (organization)", policies), metric("tool calls evaluated", t.path("toolCalls").asLong()),
                metric("calls denied", t.path("denied").asLong()), metric("calls held for approval", t.path("asked").asLong()),
                metric("calls allowed with a warning", t.path("warned").asLong()), metric("users", t.path("users").asLong()),
                metric("events without identity", t.path("withoutIdentity").asLong())), evidence, gaps);
    }

    private static Control cc72(Evidence e) {
        JsonNode t = e.summary().path("totals");
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        evidence.add("Tool calls by tool: " + counts(e.summary().path("toolCalls")));
        chainFindings(e, evidence, gaps);
        if (t.path("events").asLong() == 0) {
            gaps.add("No event was recorded in the period: monitoring cannot be evidenced.");
        }
        return control("CC7.2", "System monitoring: tool executions and file modifications", List.of(
                metric("events recorded", t.path("events").asLong()), metric("tool executions", t.path("toolCalls").asLong()),
                metric("file modifications", t.path("fileModifications").asLong()), metric("MCP calls", t.path("mcpCalls").asLong()),
                metric("sessions", t.path("sessions").asLong()), metric("machines", t.path("machines").asLong()),
                metric("hash-chain breaks", findings(e, CHAIN).size())), evidence, gaps);
    }

    private static Control cc81(Evidence e) {
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        Map<Long, String> authors = new HashMap<>();
        long versions = 0;
        for (JsonNode v : e.versions()) {
            authors.put(v.path("revision").asLong(), v.path("author").asText());
            if (inPeriod(e, v.path("createdAt"))) {
                versions++;
                evidence.add("Version " + v.path("revision").asLong() + " (sha256 " + v.path("sha256").asText().substring(0, 12)
                        + ") written by " + v.path("author").asText() + " at " + v.path("createdAt").asText() + ": " + v.path("changeNote").asText());
            }
        }
        long publications = 0;
        long rollbacks = 0;
        for (JsonNode p : e.publications()) {
            if (!inPeriod(e, p.path("publishedAt"))) {
                continue;
            }
            publications++;
            long revision = p.path("revision").asLong();
            String publisher = p.path("publishedBy").asText();
            boolean rollback = p.path("note").asText().startsWith("rollback to revision");
            if (rollback) {
                rollbacks++;
            }
            evidence.add((rollback ? "Rollback: revision " : "Revision ") + revision + " published to "
                    + p.path("scope").path("type").asText() + " " + p.path("scope").path("value").asText() + " ("
                    + p.path("canaryPercent").asInt() + "% of machines) by " + publisher + " at " + p.path("publishedAt").asText());
            if (!rollback && publisher.equalsIgnoreCase(authors.getOrDefault(revision, ""))) {
                gaps.add("Revision " + revision + " was published by its own author (" + publisher + ") without a second person's review.");
            }
        }
        long granted = 0;
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode x : e.exceptions()) {
            byId.put(x.path("id").asText(), x);
            Optional<JsonNode> approval = transition(e, x.path("id").asText(), "approved");
            if (approval.isPresent() && inPeriod(e, approval.get().path("at"))) {
                granted++;
                evidence.add("Exception " + x.path("id").asText() + ": " + x.path("policy").asText()
                        + (x.path("value").isTextual() ? " for " + x.path("value").asText() : "") + ", " + x.path("scopeType").asText() + " "
                        + x.path("scopeValue").asText() + ", requested by " + x.path("requester").asText() + ", approved by "
                        + x.path("decidedBy").asText() + " at " + approval.get().path("at").asText() + ", expires " + x.path("expiresAt").asText());
            }
        }
        JsonNode used = e.summary().path("exceptionsUsed");
        for (JsonNode use : used) {
            JsonNode exception = byId.get(use.path("exceptionId").asText());
            if (exception == null) {
                continue;
            }
            Instant lastUse = Instant.parse(use.path("lastUse").asText());
            if (exception.path("expiresAt").isTextual() && lastUse.isAfter(Instant.parse(exception.path("expiresAt").asText()))) {
                gaps.add("Exception " + use.path("exceptionId").asText() + " was used at " + lastUse + ", after it expired at "
                        + exception.path("expiresAt").asText() + ".");
            }
            Optional<JsonNode> revoked = transition(e, use.path("exceptionId").asText(), "revoked");
            if (revoked.isPresent() && lastUse.isAfter(Instant.parse(revoked.get().path("at").asText()))) {
                gaps.add("Exception " + use.path("exceptionId").asText() + " was used at " + lastUse + ", after it was revoked at "
                        + revoked.get().path("at").asText() + " by " + revoked.get().path("actor").asText() + ".");
            }
        }
        evidence.add("Exceptions applied to decisions: " + (used.isEmpty() ? "none" : StreamSupport.stream(used.spliterator(), false)
                .map(u -> u.path("exceptionId").asText() + " (" + u.path("decisions").asLong() + " decisions)").toList()));
        return control("CC8.1", "Change management: policy versions, publications and exceptions", List.of(
                metric("policy versions written", versions), metric("publications", publications), metric("rollbacks", rollbacks),
                metric("exceptions granted", granted), metric("exceptions used", used.size()),
                metric("administrative changes recorded", e.summary().path("totals").path("adminChanges").asLong())), evidence, gaps);
    }

    private static Control accessControl(Evidence e) {
        JsonNode t = e.summary().path("totals");
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        long policies = organizationPolicies(e, evidence, gaps);
        evidence.add("Denied calls by user: " + counts(e.summary().path("deniedByUser")));
        identityGap(t, gaps);
        return control("164.312(a)(1)", "Access control: unique user identification and enforced access rules", List.of(
                metric("users", t.path("users").asLong()), metric("events", t.path("events").asLong()),
                metric("events without identity", t.path("withoutIdentity").asLong()), metric("policies in force (organization)", policies),
                metric("calls denied", t.path("denied").asLong())), evidence, gaps);
    }

    private static Control auditControls(Evidence e) {
        JsonNode t = e.summary().path("totals");
        JsonNode archive = e.summary().path("archive");
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        evidence.add("Every hook decision is recorded by the agent before it answers, spooled durably and stored once (idempotent on eventId).");
        evidence.add("Archive: " + archive.path("sealedHours").asLong() + " of " + archive.path("knownHours").asLong()
                + " hours of the period sealed with a signed manifest.");
        if (t.path("events").asLong() == 0) {
            gaps.add("No event was recorded in the period.");
        }
        return control("164.312(b)", "Audit controls: activity recorded and examinable", List.of(
                metric("events recorded", t.path("events").asLong()), metric("sessions", t.path("sessions").asLong()),
                metric("machines", t.path("machines").asLong()), metric("administrative changes recorded", t.path("adminChanges").asLong()),
                metric("archive hours sealed", archive.path("sealedHours").asLong())), evidence, gaps);
    }

    private static Control integrity(Evidence e) {
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        chainFindings(e, evidence, gaps);
        JsonNode v = e.archiveVerification();
        long sealed = v.path("sealedHours").asLong();
        long verified = v.path("verifiedHours").asLong();
        long objects = v.path("objects").asLong();
        long verifiedEvents = v.path("events").asLong();
        if (verified > 0) {
            evidence.add("Archive verified hour by hour once sealed, and again on every sweep (verifications from "
                    + v.path("oldestVerification").asText() + " to " + v.path("newestVerification").asText() + "): " + verified + " of "
                    + sealed + " sealed hours, " + objects + " objects, " + verifiedEvents + " events re-hashed; "
                    + (v.path("findings").isEmpty() ? "nothing altered, removed or added" : v.path("findings").size() + " findings"));
        }
        if (sealed > verified) {
            evidence.add((sealed - verified) + " sealed hour(s) of the period not verified yet (hours are verified within minutes of sealing).");
        }
        for (JsonNode f : v.path("findings")) {
            gaps.add("Archive: " + f.path("where").asText() + ": " + f.path("problem").asText());
        }
        return control("164.312(c)(1)", "Integrity: audit records protected from alteration and destruction", List.of(
                metric("hash-chain breaks", findings(e, CHAIN).size()), metric("archive hours verified", verified),
                metric("archive objects verified", objects), metric("archived events re-hashed", verifiedEvents),
                metric("archive findings", v.path("findings").size())), evidence, gaps);
    }

    private static Control authentication(Evidence e) {
        JsonNode t = e.summary().path("totals");
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        evidence.add("Every API call is authenticated with a bearer token from the organisation's OIDC provider; administrative changes "
                + "carry the token's identity.");
        long anonymousChanges = 0;
        for (JsonNode change : e.summary().path("adminChanges")) {
            if (change.path("actor").asText("").isBlank()) {
                anonymousChanges++;
            }
        }
        if (anonymousChanges > 0) {
            gaps.add(anonymousChanges + " administrative changes carry no actor.");
        }
        identityGap(t, gaps);
        return control("164.312(d)", "Person or entity authentication", List.of(
                metric("administrative changes", t.path("adminChanges").asLong()), metric("changes without an actor", anonymousChanges),
                metric("events without identity", t.path("withoutIdentity").asLong())), evidence, gaps);
    }

    private static long organizationPolicies(Evidence e, List<String> evidence, List<String> gaps) {
        if (e.organizationDocument() == null) {
            gaps.add("No policy is published for the organization scope.");
            return 0;
        }
        try {
            var document = PolicyParser.parse("organization", e.organizationDocument());
            evidence.add("Organization policy in force: " + document.policies().size() + " policies ("
                    + String.join(", ", document.policies().stream().map(p -> p.name() + " [" + p.mode().yaml() + "]").toList()) + ")");
            return document.policies().size();
        } catch (PolicyValidationException ex) {
            gaps.add("The organization's policy in force does not validate: " + ex.getMessage());
            return 0;
        }
    }

    private static void identityGap(JsonNode totals, List<String> gaps) {
        long missing = totals.path("withoutIdentity").asLong();
        if (missing > 0) {
            gaps.add(missing == 1 ? "1 event carries no user identity." : missing + " events carry no user identity.");
        }
    }

    private static void chainFindings(Evidence e, List<String> evidence, List<String> gaps) {
        List<JsonNode> breaks = findings(e, CHAIN);
        evidence.add("Per-machine hash chains checked on ingest: " + (breaks.isEmpty() ? "no break" : breaks.size() + " breaks"));
        listed(breaks, "chain breaks", f -> "Chain break on " + f.path("machineId").asText() + " at event " + f.path("eventId").asText() + ": "
                + f.path("problem").asText(), gaps);
        List<JsonNode> rejected = findings(e, REJECTED);
        evidence.add("Events checked against their machine's enrolled key and identity: "
                + (rejected.isEmpty() ? "none refused" : rejected.size() + " refused (kept in the dead-letter topic, not counted)"));
        listed(rejected, "refused events", f -> "Refused event " + f.path("eventId").asText() + " from " + f.path("machineId").asText() + ": "
                + f.path("problem").asText(), gaps);
        long unverified = e.summary().path("totals").path("unverified").asLong();
        evidence.add("Events whose origin is proven (signed by their machine's enrolled key): "
                + (unverified == 0 ? "all" : "all but " + unverified));
        if (unverified > 0) {
            gaps.add(unverified + (unverified == 1 ? " event was" : " events were") + " stored without proof of origin (machine not enrolled, "
                    + "or unsigned, while audit-ingest runs with enrolment.mode=record): they do not prove who acted.");
        }
        List<JsonNode> clocks = findings(e, CLOCK);
        evidence.add("Agent timestamps compared with ingest time (events are kept by ingest time): "
                + (clocks.isEmpty() ? "none far off" : clocks.size() + " far off"));
        listed(clocks, "timestamps far off", f -> "Clock on " + f.path("machineId").asText() + " at event " + f.path("eventId").asText() + ": "
                + f.path("problem").asText(), gaps);
    }

    /** The ingest findings of one kind (a finding from before kinds existed is a chain break). */
    private static List<JsonNode> findings(Evidence e, String kind) {
        List<JsonNode> found = new ArrayList<>();
        e.summary().path("integrityFindings").forEach(f -> {
            if (kind.equals(f.path("kind").asText(CHAIN))) {
                found.add(f);
            }
        });
        return found;
    }

    private static void listed(List<JsonNode> findings, String what, java.util.function.Function<JsonNode, String> line, List<String> gaps) {
        for (int n = 0; n < findings.size(); n++) {
            if (n == LISTED) {
                gaps.add("... and " + (findings.size() - LISTED) + " more " + what + ".");
                break;
            }
            gaps.add(line.apply(findings.get(n)));
        }
    }

    private static Optional<JsonNode> transition(Evidence e, String id, String to) {
        return e.histories().getOrDefault(id, List.of()).stream().filter(h -> to.equals(h.path("toState").asText())).findFirst();
    }

    private static boolean inPeriod(Evidence e, JsonNode at) {
        if (!at.isTextual()) {
            return false;
        }
        Instant instant = Instant.parse(at.asText());
        return !instant.isBefore(e.from()) && instant.isBefore(e.to());
    }

    private static String counts(JsonNode counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode c : counts) {
            if (parts.size() == LISTED) {
                parts.add("...");
                break;
            }
            parts.add(c.path("key").asText() + " " + c.path("count").asLong());
        }
        return String.join(", ", parts);
    }

    private static Metric metric(String name, long value) {
        return new Metric(name, value);
    }

    private static Control control(String id, String title, List<Metric> metrics, List<String> evidence, List<String> gaps) {
        return new Control(id, title, gaps.isEmpty() ? ComplianceReport.SATISFIED : ComplianceReport.GAPS, metrics, evidence, gaps);
    }
}
