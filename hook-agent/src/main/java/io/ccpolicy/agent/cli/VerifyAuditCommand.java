package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.archive.S3Reader;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.audit.ArchiveManifest;
import io.ccpolicy.engine.audit.ArchiveVerifier;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.engine.audit.AuditEvent;
import io.ccpolicy.engine.sign.Ed25519;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code verify-audit FILE [--from-first]} or {@code verify-audit --s3 s3://BUCKET[/PREFIX] --public-key FILE ...}.
 * For a file: recomputes every machine's hash chain in an audit file (JSON lines, as the
 * agent writes and as audit-ingest exports) and names each event that was altered, removed, reordered or replaced; with
 * {@code --enrolments FILE} (policy-service's {@code GET /api/v1/enrolments}) it also checks each event's signature
 * against its machine's enrolled key, so a chain rebuilt without the machine's key is named too. A
 * complete chain starts at seq 1; {@code --from-first} checks an agent spool that was compacted from its first event on.
 * For the S3 archive: checks every hourly manifest's signature and link to the previous hour, every object's presence
 * and SHA-256, objects no manifest lists, and the event chains inside the objects. Exit 1 on any finding.
 */
public final class VerifyAuditCommand {

    private VerifyAuditCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "verify-audit");
        if (args.option("s3").isPresent()) {
            return verifyArchive(args, out, err);
        }
        if (args.positionals().size() != 1) {
            throw new UsageException("verify-audit needs one audit file (JSON lines), or --s3 s3://BUCKET[/PREFIX] for the archive");
        }
        Path file = Path.of(args.positionals().get(0));
        try {
            Map<String, java.security.PublicKey> enrolled = args.option("enrolments").isPresent()
                    ? enrolments(Path.of(args.option("enrolments").get()), err) : null;
            List<String> lines = PolicyFiles.read(file, err).lines().toList();
            Map<String, List<Map<String, Object>>> machines = new LinkedHashMap<>();
            int unreadable = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                String[] problem = new String[1];
                Map<String, Object> event = Json.object(lines.get(i), problem).orElse(null);
                if (event == null) {
                    out.println(file + ":" + (i + 1) + ": unreadable line (" + problem[0] + ")");
                    unreadable++;
                    continue;
                }
                String machine;
                try {
                    machine = AuditEvent.fromMap(event).machine().id();
                } catch (IllegalArgumentException notAnEvent) {
                    out.println(file + ":" + (i + 1) + ": not an audit event (" + notAnEvent.getMessage() + ")");
                    unreadable++;
                    continue;
                }
                machines.computeIfAbsent(machine, k -> new ArrayList<>()).add(event);
            }
            int findings = unreadable;
            for (Map.Entry<String, List<Map<String, Object>>> machine : machines.entrySet()) {
                Map<String, Object> first = machine.getValue().get(0);
                AuditChain.Head from = AuditChain.Head.START;
                if (args.flag("from-first") && first.get("seq") instanceof Number seq && seq.longValue() > 1 && first.get("prev_hash") instanceof String prev) {
                    // An agent's spool after compaction: earlier events were shipped; check from where the file starts.
                    from = new AuditChain.Head(seq.longValue() - 1, prev);
                    out.println("machine " + machine.getKey() + ": starts at seq " + seq + " (earlier events were shipped and compacted)");
                }
                List<String> broken = new ArrayList<>(AuditChain.verify(machine.getValue(), from).stream().map(Object::toString).toList());
                if (enrolled != null) {
                    broken.addAll(signatureFindings(machine.getKey(), machine.getValue(), enrolled));
                }
                findings += broken.size();
                if (broken.isEmpty()) {
                    out.println("machine " + machine.getKey() + ": " + machine.getValue().size() + " events, chain intact");
                } else {
                    out.println("machine " + machine.getKey() + ": " + machine.getValue().size() + " events, " + broken.size() + " finding(s):");
                    broken.forEach(f -> out.println("  " + f));
                }
            }
            out.println(findings == 0 ? "verified: nothing altered, removed or reordered" : findings + " finding(s)");
            return findings == 0 ? 0 : 1;
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        }
    }

    /** Machine id to enrolled public key, from policy-service's enrolment list (JSON). */
    private static Map<String, java.security.PublicKey> enrolments(Path file, PrintStream err) throws PolicyFiles.Reported {
        Object parsed;
        try {
            parsed = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                    .loadFromString(PolicyFiles.read(file, err));
        } catch (RuntimeException e) {
            err.println("hook-agent: " + file + " is not the JSON list GET /api/v1/enrolments returns: " + e.getMessage());
            throw new PolicyFiles.Reported(2);
        }
        Map<String, java.security.PublicKey> keys = new java.util.HashMap<>();
        if (parsed instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> e && e.get("machineId") instanceof String machine && e.get("publicKey") instanceof String pem) {
                    keys.put(machine, io.ccpolicy.engine.sign.Ed25519.publicKey(pem));
                }
            }
        }
        return keys;
    }

    private static List<String> signatureFindings(String machine, List<Map<String, Object>> events, Map<String, java.security.PublicKey> enrolled) {
        java.security.PublicKey key = enrolled.get(machine);
        if (key == null) {
            return machine.startsWith("service:") ? List.of() : List.of("machine " + machine + " is not in the enrolments: its events cannot be authenticated");
        }
        List<String> findings = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            int index = i;
            io.ccpolicy.engine.audit.EventSignature.problem(events.get(i), key).ifPresent(problem ->
                    findings.add("event " + (index + 1) + " (" + events.get(index).get("eventId") + "): " + problem));
        }
        return findings;
    }

    private static int verifyArchive(Args args, PrintStream out, PrintStream err) throws UsageException {
        String location = args.required("s3");
        if (!location.startsWith("s3://") || location.length() <= 5) {
            throw new UsageException("--s3 takes s3://BUCKET or s3://BUCKET/PREFIX, got: " + location);
        }
        String path = location.substring(5);
        String bucket = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
        String prefix = path.contains("/") ? path.substring(path.indexOf('/') + 1) : "";
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        String region = args.option("region").orElse("us-east-1");
        URI endpoint = URI.create(args.option("endpoint").orElse("https://s3." + region + ".amazonaws.com"));
        String accessKey = credential("AWS_ACCESS_KEY_ID", "aws.accessKeyId");
        String secretKey = credential("AWS_SECRET_ACCESS_KEY", "aws.secretAccessKey");
        Path keyFile = Path.of(args.required("public-key"));
        PublicKey key;
        try {
            key = Ed25519.publicKey(PolicyFiles.read(keyFile, err));
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        } catch (IllegalArgumentException e) {
            err.println(keyFile + ": " + e.getMessage());
            return 2;
        }
        Instant from = hour(args, "from");
        Instant to = hour(args, "to");
        ArchiveVerifier verifier = new ArchiveVerifier(new S3Reader(endpoint, bucket, prefix, region, accessKey, secretKey, Clock.systemUTC()),
                key, text -> {
                    String[] problem = new String[1];
                    return Json.object(text, problem).orElseThrow(() -> new IllegalArgumentException(problem[0]));
                });
        ArchiveVerifier.Report report;
        try (Progress progress = Progress.of(err, "verifying hourly manifests")) {
            report = verifier.verify(from, to, progress::update);
        } catch (RuntimeException e) {
            err.println("verify-audit: " + e.getMessage());
            return 2;
        }
        String hours = report.firstHour() == null ? "" : " (" + ArchiveManifest.hourLabel(report.firstHour()) + " to "
                + ArchiveManifest.hourLabel(report.lastHour()) + " UTC)";
        out.println(location + ": " + report.manifests() + " hourly manifest(s)" + hours + ", " + report.objects() + " object(s), "
                + report.events() + " event(s) from " + report.machines() + " machine(s), key " + Ed25519.keyId(key));
        report.notes().forEach(note -> out.println("  note: " + note));
        report.findings().forEach(f -> out.println("  " + f));
        out.println(report.intact() ? "verified: nothing altered, removed or added" : report.findings().size() + " finding(s)");
        return report.intact() ? 0 : 1;
    }

    private static String credential(String env, String property) throws UsageException {
        String value = System.getenv(env);
        if (value == null || value.isBlank()) {
            value = System.getProperty(property);
        }
        if (value == null || value.isBlank()) {
            throw new UsageException("--s3 needs credentials: set " + env + " (or the system property " + property + ")");
        }
        return value;
    }

    private static Instant hour(Args args, String option) throws UsageException {
        if (args.option(option).isEmpty()) {
            return null;
        }
        String text = args.option(option).get();
        try {
            return Instant.parse(text.length() == 13 ? text + ":00:00Z" : text).truncatedTo(ChronoUnit.HOURS);
        } catch (DateTimeParseException e) {
            throw new UsageException("--" + option + " takes an hour like 2026-11-24T22 (UTC), got: " + text);
        }
    }
}
