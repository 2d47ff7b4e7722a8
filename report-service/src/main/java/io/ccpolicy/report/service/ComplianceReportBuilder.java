package io.ccpolicy.report.service;

import io.ccpolicy.report.client.ArchiveVerification;
import io.ccpolicy.report.client.AuditSummary;
import io.ccpolicy.report.client.ExceptionRequest;
import io.ccpolicy.report.client.PolicyVersion;
import io.ccpolicy.report.client.Publication;
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
import java.util.function.Function;

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
        if (e.archiveVerification().sealedHours() == 0) {
            notes.add("No hour of the period is sealed in the archive yet (hours are sealed after they end), so the archive was not verified.");
        }
        notes.add("File contents and prompts are not stored: the evidence is hashes, counts and masked commands.");
        boolean gaps = controls.stream().anyMatch(c -> !c.gaps().isEmpty());
        return new ComplianceReport(framework, title, e.from(), e.to(), generatedAt, generatedBy,
                gaps ? ComplianceReport.GAPS : ComplianceReport.SATISFIED, controls, notes);
    }

    private static Control cc61(Evidence e) {
        AuditSummary.Totals t = e.summary().totals();
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        long policies = organizationPolicies(e, evidence, gaps);
        evidence.add("Denied calls by policy: " + counts(e.summary().deniedByPolicy()));
        evidence.add("Denied calls by user: " + counts(e.summary().deniedByUser()));
        evidence.add("Calls held for the user's approval by policy: " + counts(e.summary().askedByPolicy()));
        identityGap(t, gaps);
        if (t.toolCalls() == 0) {
            gaps.add("No tool call was recorded in the period, so enforcement cannot be evidenced.");
        }
        return control("CC6.1", "Logical access: policy enforcement before every tool call", List.of(
                metric("policies in force (organization)", policies), metric("tool calls evaluated", t.toolCalls()),
                metric("calls denied", t.denied()), metric("calls held for approval", t.asked()),
                metric("calls allowed with a warning", t.warned()), metric("users", t.users()),
                metric("events without identity", t.withoutIdentity())), evidence, gaps);
    }

    private static Control cc72(Evidence e) {
        AuditSummary.Totals t = e.summary().totals();
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        evidence.add("Tool calls by tool: " + counts(e.summary().toolCalls()));
        chainFindings(e, evidence, gaps);
        if (t.events() == 0) {
            gaps.add("No event was recorded in the period: monitoring cannot be evidenced.");
        }
        return control("CC7.2", "System monitoring: tool executions and file modifications", List.of(
                metric("events recorded", t.events()), metric("tool executions", t.toolCalls()),
                metric("file modifications", t.fileModifications()), metric("MCP calls", t.mcpCalls()),
                metric("sessions", t.sessions()), metric("machines", t.machines()),
                metric("hash-chain breaks", findings(e, CHAIN).size())), evidence, gaps);
    }

    private static Control cc81(Evidence e) {
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        Map<Long, String> authors = new HashMap<>();
        long versions = 0;
        for (PolicyVersion v : e.versions()) {
            authors.put(v.revision(), v.author());
            if (inPeriod(e, v.createdAt())) {
                versions++;
                evidence.add("Version " + v.revision() + " (sha256 " + v.sha256().substring(0, 12) + ") written by " + v.author() + " at "
                        + v.createdAt() + ": " + v.changeNote());
            }
        }
        long publications = 0;
        long rollbacks = 0;
        for (Publication p : e.publications()) {
            if (!inPeriod(e, p.publishedAt())) {
                continue;
            }
            publications++;
            boolean rollback = p.note() != null && p.note().startsWith("rollback to revision");
            if (rollback) {
                rollbacks++;
            }
            evidence.add((rollback ? "Rollback: revision " : "Revision ") + p.revision() + " published to " + p.scope().type() + " "
                    + p.scope().value() + " (" + p.canaryPercent() + "% of machines) by " + p.publishedBy() + " at " + p.publishedAt());
            if (!rollback && p.publishedBy().equalsIgnoreCase(authors.getOrDefault(p.revision(), ""))) {
                gaps.add("Revision " + p.revision() + " was published by its own author (" + p.publishedBy() + ") without a second person's review.");
            }
        }
        long granted = 0;
        Map<String, ExceptionRequest> byId = new HashMap<>();
        for (ExceptionRequest x : e.exceptions()) {
            byId.put(x.id(), x);
            Optional<ExceptionRequest.Transition> approval = transition(e, x.id(), "approved");
            if (approval.isPresent() && inPeriod(e, approval.get().at())) {
                granted++;
                evidence.add("Exception " + x.id() + ": " + x.policy() + (x.value() != null ? " for " + x.value() : "") + ", " + x.scopeType() + " "
                        + x.scopeValue() + ", requested by " + x.requester() + ", approved by " + x.decidedBy() + " at " + approval.get().at()
                        + ", expires " + x.expiresAt());
            }
        }
        List<AuditSummary.ExceptionUse> used = e.summary().exceptionsUsed();
        for (AuditSummary.ExceptionUse use : used) {
            ExceptionRequest exception = byId.get(use.exceptionId());
            if (exception == null) {
                continue;
            }
            Instant lastUse = use.lastUse();
            if (exception.expiresAt() != null && lastUse.isAfter(exception.expiresAt())) {
                gaps.add("Exception " + use.exceptionId() + " was used at " + lastUse + ", after it expired at " + exception.expiresAt() + ".");
            }
            Optional<ExceptionRequest.Transition> revoked = transition(e, use.exceptionId(), "revoked");
            if (revoked.isPresent() && lastUse.isAfter(revoked.get().at())) {
                gaps.add("Exception " + use.exceptionId() + " was used at " + lastUse + ", after it was revoked at " + revoked.get().at() + " by "
                        + revoked.get().actor() + ".");
            }
        }
        evidence.add("Exceptions applied to decisions: " + (used.isEmpty() ? "none"
                : used.stream().map(u -> u.exceptionId() + " (" + u.decisions() + " decisions)").toList()));
        return control("CC8.1", "Change management: policy versions, publications and exceptions", List.of(
                metric("policy versions written", versions), metric("publications", publications), metric("rollbacks", rollbacks),
                metric("exceptions granted", granted), metric("exceptions used", used.size()),
                metric("administrative changes recorded", e.summary().totals().adminChanges())), evidence, gaps);
    }

    private static Control accessControl(Evidence e) {
        AuditSummary.Totals t = e.summary().totals();
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        long policies = organizationPolicies(e, evidence, gaps);
        evidence.add("Denied calls by user: " + counts(e.summary().deniedByUser()));
        identityGap(t, gaps);
        return control("164.312(a)(1)", "Access control: unique user identification and enforced access rules", List.of(
                metric("users", t.users()), metric("events", t.events()),
                metric("events without identity", t.withoutIdentity()), metric("policies in force (organization)", policies),
                metric("calls denied", t.denied())), evidence, gaps);
    }

    private static Control auditControls(Evidence e) {
        AuditSummary.Totals t = e.summary().totals();
        AuditSummary.Archive archive = e.summary().archive();
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        evidence.add("Every hook decision is recorded by the agent before it answers, spooled durably and stored once (idempotent on eventId).");
        evidence.add("Archive: " + archive.sealedHours() + " of " + archive.knownHours()
                + " hours of the period sealed with a signed manifest.");
        if (t.events() == 0) {
            gaps.add("No event was recorded in the period.");
        }
        return control("164.312(b)", "Audit controls: activity recorded and examinable", List.of(
                metric("events recorded", t.events()), metric("sessions", t.sessions()),
                metric("machines", t.machines()), metric("administrative changes recorded", t.adminChanges()),
                metric("archive hours sealed", archive.sealedHours())), evidence, gaps);
    }

    private static Control integrity(Evidence e) {
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        chainFindings(e, evidence, gaps);
        ArchiveVerification v = e.archiveVerification();
        long sealed = v.sealedHours();
        long verified = v.verifiedHours();
        long objects = v.objects();
        long verifiedEvents = v.events();
        if (verified > 0) {
            evidence.add("Archive verified hour by hour once sealed, and again on every sweep (verifications from "
                    + v.oldestVerification() + " to " + v.newestVerification() + "): " + verified + " of "
                    + sealed + " sealed hours, " + objects + " objects, " + verifiedEvents + " events re-hashed; "
                    + (v.findings().isEmpty() ? "nothing altered, removed or added" : v.findings().size() + " findings"));
        }
        if (sealed > verified) {
            evidence.add((sealed - verified) + " sealed hour(s) of the period not verified yet (hours are verified within minutes of sealing).");
        }
        for (ArchiveVerification.Finding f : v.findings()) {
            gaps.add("Archive: " + f.where() + ": " + f.problem());
        }
        return control("164.312(c)(1)", "Integrity: audit records protected from alteration and destruction", List.of(
                metric("hash-chain breaks", findings(e, CHAIN).size()), metric("archive hours verified", verified),
                metric("archive objects verified", objects), metric("archived events re-hashed", verifiedEvents),
                metric("archive findings", v.findings().size())), evidence, gaps);
    }

    private static Control authentication(Evidence e) {
        AuditSummary.Totals t = e.summary().totals();
        List<String> evidence = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        evidence.add("Every API call is authenticated with a bearer token from the organisation's OIDC provider; administrative changes "
                + "carry the token's identity.");
        long anonymousChanges = 0;
        for (AuditSummary.AdminChange change : e.summary().adminChanges()) {
            if (change.actor() == null || change.actor().isBlank()) {
                anonymousChanges++;
            }
        }
        if (anonymousChanges > 0) {
            gaps.add(anonymousChanges + " administrative changes carry no actor.");
        }
        identityGap(t, gaps);
        return control("164.312(d)", "Person or entity authentication", List.of(
                metric("administrative changes", t.adminChanges()), metric("changes without an actor", anonymousChanges),
                metric("events without identity", t.withoutIdentity())), evidence, gaps);
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

    private static void identityGap(AuditSummary.Totals totals, List<String> gaps) {
        long missing = totals.withoutIdentity();
        if (missing > 0) {
            gaps.add(missing == 1 ? "1 event carries no user identity." : missing + " events carry no user identity.");
        }
    }

    private static void chainFindings(Evidence e, List<String> evidence, List<String> gaps) {
        List<AuditSummary.Finding> breaks = findings(e, CHAIN);
        evidence.add("Per-machine hash chains checked on ingest: " + (breaks.isEmpty() ? "no break" : breaks.size() + " breaks"));
        listed(breaks, "chain breaks", f -> "Chain break on " + f.machineId() + " at event " + f.eventId() + ": " + f.problem(), gaps);
        List<AuditSummary.Finding> rejected = findings(e, REJECTED);
        evidence.add("Events checked against their machine's enrolled key and identity: "
                + (rejected.isEmpty() ? "none refused" : rejected.size() + " refused (kept in the dead-letter topic, not counted)"));
        listed(rejected, "refused events", f -> "Refused event " + f.eventId() + " from " + f.machineId() + ": " + f.problem(), gaps);
        long unverified = e.summary().totals().unverified();
        evidence.add("Events whose origin is proven (signed by their machine's enrolled key): "
                + (unverified == 0 ? "all" : "all but " + unverified));
        if (unverified > 0) {
            gaps.add(unverified + (unverified == 1 ? " event was" : " events were") + " stored without proof of origin (machine not enrolled, "
                    + "or unsigned, while audit-ingest runs with enrolment.mode=record): they do not prove who acted.");
        }
        List<AuditSummary.Finding> clocks = findings(e, CLOCK);
        evidence.add("Agent timestamps compared with ingest time (events are kept by ingest time): "
                + (clocks.isEmpty() ? "none far off" : clocks.size() + " far off"));
        listed(clocks, "timestamps far off", f -> "Clock on " + f.machineId() + " at event " + f.eventId() + ": " + f.problem(), gaps);
    }

    /** The ingest findings of one kind (a finding from before kinds existed is a chain break). */
    private static List<AuditSummary.Finding> findings(Evidence e, String kind) {
        return e.summary().integrityFindings().stream().filter(f -> kind.equals(f.kindOrChain())).toList();
    }

    private static void listed(List<AuditSummary.Finding> findings, String what, Function<AuditSummary.Finding, String> line, List<String> gaps) {
        for (int n = 0; n < findings.size(); n++) {
            if (n == LISTED) {
                gaps.add("... and " + (findings.size() - LISTED) + " more " + what + ".");
                break;
            }
            gaps.add(line.apply(findings.get(n)));
        }
    }

    private static Optional<ExceptionRequest.Transition> transition(Evidence e, String id, String to) {
        return e.histories().getOrDefault(id, List.of()).stream().filter(h -> to.equals(h.toState())).findFirst();
    }

    private static boolean inPeriod(Evidence e, Instant at) {
        return at != null && !at.isBefore(e.from()) && at.isBefore(e.to());
    }

    private static String counts(List<AuditSummary.Count> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (AuditSummary.Count c : counts) {
            if (parts.size() == LISTED) {
                parts.add("...");
                break;
            }
            parts.add(c.key() + " " + c.count());
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
