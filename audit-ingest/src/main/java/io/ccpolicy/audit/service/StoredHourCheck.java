package io.ccpolicy.audit.service;

import io.ccpolicy.audit.repository.ArchiveVerificationRepository;
import io.ccpolicy.engine.audit.ArchiveManifest;
import io.ccpolicy.engine.audit.ArchiveVerifier;
import io.ccpolicy.engine.audit.CanonicalJson;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compares PostgreSQL's copy of one archive hour with the archive, object by object as the verifier reads them: the
 * events ingested in that hour are exactly those its signed manifest lists (ingest stores and archives a batch with
 * one ingest time), so a row deleted, altered or added after ingest shows as a finding. Contents are compared in
 * canonical JSON, since PostgreSQL's jsonb does not keep the original text. Holds the hour's event ids, not their
 * contents.
 */
final class StoredHourCheck implements ArchiveVerifier.ObjectEvents {

    static final String DEMO_MACHINES = "demo-";

    private final ArchiveVerificationRepository rows;
    private final Function<String, Map<String, Object>> json;
    private final Instant from;
    private final Instant to;
    private final Set<String> archived = new HashSet<>();
    private final List<ArchiveVerifier.Finding> findings = new ArrayList<>();
    /** Archived events without their row: deleted (a finding) or cleared demo data. */
    private long removed;

    StoredHourCheck(ArchiveVerificationRepository rows, Function<String, Map<String, Object>> json, Instant hour) {
        this.rows = rows;
        this.json = json;
        this.from = hour;
        this.to = hour.plus(Duration.ofHours(1));
    }

    @Override
    public void read(String objectKey, List<Map<String, Object>> events) {
        List<String> ids = events.stream().map(e -> String.valueOf(e.get("eventId"))).toList();
        Map<String, String> stored = QuarkusTransaction.requiringNew().call(() -> rows.payloadsIngested(from, to, ids));
        Set<String> cleared = stored.size() == ids.size() ? Set.of()
                : QuarkusTransaction.requiringNew().call(() -> rows.clearedDemoEvents(ids));
        for (Map<String, Object> event : events) {
            String id = String.valueOf(event.get("eventId"));
            archived.add(id);
            String payload = stored.get(id);
            if (payload == null && cleared.contains(id) && event.get("machine") instanceof Map<?, ?> machine
                    && String.valueOf(machine.get("id")).startsWith(DEMO_MACHINES)) {
                removed++; // demo data, cleared on purpose (cleared_demo_event says by whom and when)
            } else if (payload == null) {
                removed++;
                findings.add(new ArchiveVerifier.Finding(where(id), "deleted from PostgreSQL after ingest (the archive object " + objectKey
                        + " holds it)"));
            } else if (!CanonicalJson.write(json.apply(payload)).equals(CanonicalJson.write(event))) {
                findings.add(new ArchiveVerifier.Finding(where(id), "altered in PostgreSQL after ingest (differs from its archived copy in "
                        + objectKey + ")"));
            }
        }
    }

    /** The findings, including rows of the hour that no archive object holds. */
    List<ArchiveVerifier.Finding> finish() {
        long stored = QuarkusTransaction.requiringNew().call(() -> rows.countIngested(from, to));
        if (stored > archived.size() - removed) {
            for (String id : QuarkusTransaction.requiringNew().call(() -> rows.idsIngested(from, to))) {
                if (!archived.contains(id)) {
                    findings.add(new ArchiveVerifier.Finding(where(id), "in PostgreSQL but in no archive object of its ingest hour "
                            + ArchiveManifest.hourLabel(from) + " (added after ingest)"));
                }
            }
        }
        return List.copyOf(findings);
    }

    private static String where(String eventId) {
        return "PostgreSQL audit_event " + eventId;
    }
}
