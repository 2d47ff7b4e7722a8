package io.ccpolicy.engine.audit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Verifies an S3 audit archive: every manifest's signature, the chain of manifests hour by hour, every listed object's
 * presence and SHA-256, objects no manifest lists, and the hash chains of the events inside the objects. Each finding
 * names the manifest, object or event concerned. The host supplies the storage and the JSON parser.
 */
public final class ArchiveVerifier {

    /** Read access to the archive: keys under a prefix, and an object's bytes (null when it does not exist). */
    public interface Storage {
        List<String> list(String prefix);

        byte[] read(String key);
    }

    public record Finding(String where, String problem) {
        @Override
        public String toString() {
            return where + ": " + problem;
        }
    }

    public record Report(List<Finding> findings, List<String> notes, Instant firstHour, Instant lastHour, int manifests, int objects,
            long events, int machines) {
        public boolean intact() {
            return findings.isEmpty();
        }
    }

    private final Storage storage;
    private final PublicKey key;
    private final Function<String, Map<String, Object>> json;

    public ArchiveVerifier(Storage storage, PublicKey key, Function<String, Map<String, Object>> json) {
        this.storage = storage;
        this.key = key;
        this.json = json;
    }

    /**
     * Where a walk through the archive stands after an hour: that hour, its manifest's SHA-256 (the next manifest must
     * record it) and each machine's last archived event (the next hour's events must continue those chains).
     */
    public record Position(Instant hour, String manifestSha256, Map<String, AuditChain.Head> heads) {
        /** Before the archive's first hour. */
        public static final Position START = new Position(null, null, Map.of());
    }

    /** One hour checked: its findings, what it holds, and the position for checking the next hour. */
    public record HourCheck(Instant hour, List<Finding> findings, List<String> notes, int objects, long events, Position next) {
        public boolean intact() {
            return findings.isEmpty();
        }
    }

    /** Receives the events of each archive object a check reads, so a host can compare them with its own copy. */
    public interface ObjectEvents {
        ObjectEvents NONE = (objectKey, events) -> { };

        void read(String objectKey, List<Map<String, Object>> events);
    }

    /** Verifies the hours in [from, to] (either may be null: the archive's first or last sealed hour). */
    public Report verify(Instant from, Instant to) {
        return verify(from, to, (done, total) -> { });
    }

    /** As {@link #verify(Instant, Instant)}, telling {@code progress} after each manifest how many of the listed ones are done. */
    public Report verify(Instant from, Instant to, BiConsumer<Integer, Integer> progress) {
        Walk walk = new Walk(Position.START, ObjectEvents.NONE);
        List<String> manifestKeys = storage.list(ArchiveManifest.MANIFESTS_PREFIX).stream().sorted().toList();
        int done = 0;
        for (String manifestKey : manifestKeys) {
            progress.accept(done++, manifestKeys.size());
            Instant hour = hourOfManifestKey(manifestKey);
            if (hour == null) {
                walk.findings.add(new Finding(manifestKey, "not a manifest name (expected manifests/<yyyy-MM-ddTHH>.json)"));
            } else if ((from == null || !hour.isBefore(from)) && (to == null || !hour.isAfter(to))) {
                walk.manifest(manifestKey, hour, "listed by the store but cannot be read");
            }
        }
        progress.accept(done, manifestKeys.size());
        if (walk.lastHour == null) {
            walk.notes.add("no sealed hour in the verified range");
        }
        int unsealed = 0;
        for (String objectKey : storage.list(ArchiveManifest.EVENTS_PREFIX)) {
            Instant hour = ArchiveManifest.hourOfObjectKey(objectKey);
            if (walk.listed.contains(objectKey) || hour == null || (from != null && hour.isBefore(from)) || (to != null && hour.isAfter(to))) {
                continue;
            }
            if (walk.lastHour == null || hour.isAfter(walk.lastHour)) {
                unsealed++;
            } else {
                walk.findings.add(unlisted(objectKey, hour));
            }
        }
        if (unsealed > 0) {
            walk.notes.add(unsealed + " object(s) belong to hours not sealed yet; they are checked once their manifest exists");
        }
        return new Report(List.copyOf(walk.findings), List.copyOf(walk.notes), walk.firstHour, walk.lastHour, walk.manifests, walk.objects,
                walk.events, walk.heads.size());
    }

    /**
     * Verifies one sealed hour after {@code previous} (the position the previous hour's check returned, or
     * {@link Position#START} for the archive's first hour): what {@link #verify} checks for that hour, without listing the
     * whole archive, so a host can verify each hour once as it is sealed and keep the result.
     */
    public HourCheck verifyHour(Instant hour, Position previous) {
        return verifyHour(hour, previous, ObjectEvents.NONE);
    }

    /** {@link #verifyHour(Instant, Position)}, handing the events of each listed object to {@code events} as it is read. */
    public HourCheck verifyHour(Instant hour, Position previous, ObjectEvents events) {
        Walk walk = new Walk(previous, events);
        if (!walk.manifest(ArchiveManifest.manifestKey(hour), hour, "missing: the hour was sealed, but its manifest is not in the archive (removed)")) {
            return new HourCheck(hour, List.copyOf(walk.findings), List.of(), 0, 0, new Position(hour, previous.manifestSha256(), previous.heads()));
        }
        for (String objectKey : storage.list(ArchiveManifest.EVENTS_PREFIX + ArchiveManifest.hourLabel(hour) + "/")) {
            if (!walk.listed.contains(objectKey)) {
                walk.findings.add(unlisted(objectKey, hour));
            }
        }
        return new HourCheck(hour, List.copyOf(walk.findings), List.copyOf(walk.notes), walk.objects, walk.events,
                new Position(hour, walk.previousDigest, Map.copyOf(walk.heads)));
    }

    private static Finding unlisted(String objectKey, Instant hour) {
        return new Finding(objectKey, "not listed in the manifest of hour " + ArchiveManifest.hourLabel(hour) + " (added after the hour was sealed)");
    }

    /** The state of a walk through manifests in hour order. */
    private final class Walk {
        final List<Finding> findings = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Set<String> listed = new HashSet<>();
        final Map<String, AuditChain.Head> heads;
        final ObjectEvents sink;
        Instant previousHour;
        String previousDigest;
        Instant firstHour;
        Instant lastHour;
        int manifests;
        int objects;
        long events;

        Walk(Position from, ObjectEvents sink) {
            this.heads = new HashMap<>(from.heads());
            this.sink = sink;
            this.previousHour = from.hour();
            this.previousDigest = from.manifestSha256();
        }

        /** Checks the hour's manifest and its objects; false when the manifest cannot be read (reported as {@code whenMissing}). */
        boolean manifest(String manifestKey, Instant hour, String whenMissing) {
            byte[] bytes = storage.read(manifestKey);
            if (bytes == null) {
                findings.add(new Finding(manifestKey, whenMissing));
                return false;
            }
            String digest = Sha256.hex(bytes);
            ArchiveManifest manifest;
            try {
                manifest = ArchiveSignature.open(json.apply(new String(bytes, StandardCharsets.UTF_8)), key);
            } catch (RuntimeException e) {
                findings.add(new Finding(manifestKey, e.getMessage()));
                previousHour = hour;
                previousDigest = digest;
                return true;
            }
            manifests++;
            if (!manifest.hour().equals(hour)) {
                findings.add(new Finding(manifestKey, "is the manifest of hour " + manifest.hour() + " (moved or replaced)"));
            }
            if (previousHour == null) {
                if (manifest.previousHour() != null) {
                    notes.add("the verified range starts at " + ArchiveManifest.hourLabel(hour) + "; earlier hours were not checked");
                }
            } else if (manifest.previousHour() == null || !manifest.previousHour().equals(previousHour)) {
                Instant expected = manifest.previousHour();
                if (expected != null && expected.isAfter(previousHour)) {
                    for (Instant gap = previousHour.plus(Duration.ofHours(1)); !gap.isAfter(expected); gap = gap.plus(Duration.ofHours(1))) {
                        findings.add(new Finding(ArchiveManifest.manifestKey(gap), "missing: the manifest of hour "
                                + ArchiveManifest.hourLabel(hour) + " follows it (hour removed)"));
                    }
                } else {
                    findings.add(new Finding(manifestKey, "follows hour " + manifest.previousHour() + ", but the archive's previous hour is "
                            + ArchiveManifest.hourLabel(previousHour) + " (chain of manifests broken)"));
                }
            } else if (!manifest.previousManifestSha256().equals(previousDigest)) {
                findings.add(new Finding(ArchiveManifest.manifestKey(previousHour), "altered or replaced: the manifest of hour "
                        + ArchiveManifest.hourLabel(hour) + " recorded SHA-256 " + manifest.previousManifestSha256() + ", it now has " + previousDigest));
            }
            previousHour = hour;
            previousDigest = digest;
            firstHour = firstHour == null ? hour : firstHour;
            lastHour = hour;
            listed.addAll(manifest.abandoned());
            for (ArchiveManifest.Entry entry : manifest.objects()) {
                listed.add(entry.key());
                objects++;
                events += verifyObject(entry, heads, findings, sink);
            }
            return true;
        }
    }

    private long verifyObject(ArchiveManifest.Entry entry, Map<String, AuditChain.Head> heads, List<Finding> findings, ObjectEvents sink) {
        byte[] bytes = storage.read(entry.key());
        if (bytes == null) {
            findings.add(new Finding(entry.key(), "listed in its hour's manifest but missing (deleted)"));
            return 0;
        }
        String digest = Sha256.hex(bytes);
        if (!digest.equals(entry.sha256())) {
            findings.add(new Finding(entry.key(), "altered: SHA-256 is " + digest + ", the manifest recorded " + entry.sha256()));
        }
        List<String> lines;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            findings.add(new Finding(entry.key(), "not readable as gzip: " + e.getMessage()));
            return 0;
        }
        if (lines.size() != entry.events()) {
            findings.add(new Finding(entry.key(), "holds " + lines.size() + " event(s), the manifest recorded " + entry.events()));
        }
        Map<String, List<Map<String, Object>>> byMachine = new LinkedHashMap<>();
        List<Map<String, Object>> read = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> event;
            try {
                event = json.apply(lines.get(i));
            } catch (RuntimeException e) {
                findings.add(new Finding(entry.key() + " line " + (i + 1), "not a JSON event: " + e.getMessage()));
                continue;
            }
            String machine;
            try {
                machine = AuditEvent.fromMap(event).machine().id();
            } catch (IllegalArgumentException e) {
                // ingest archives only events it could read, so this line was changed after
                findings.add(new Finding(entry.key() + " line " + (i + 1), "not an audit event: " + e.getMessage()));
                continue;
            }
            byMachine.computeIfAbsent(machine, k -> new ArrayList<>()).add(event);
            read.add(event);
        }
        sink.read(entry.key(), read);
        for (Map.Entry<String, List<Map<String, Object>>> machine : byMachine.entrySet()) {
            List<Map<String, Object>> chain = machine.getValue();
            AuditChain.Head head = heads.get(machine.getKey());
            if (head == null) {
                head = startOf(chain.get(0));
            }
            for (AuditChain.Finding f : AuditChain.verify(chain, head)) {
                findings.add(new Finding(entry.key() + " event " + f.eventId() + " (machine " + machine.getKey() + ")", f.problem()));
            }
            Map<String, Object> last = chain.get(chain.size() - 1);
            if (last.get("seq") instanceof Number seq && last.get("hash") instanceof String hash && seq.longValue() >= head.seq()) {
                heads.put(machine.getKey(), new AuditChain.Head(seq.longValue(), hash));
            }
        }
        return lines.size();
    }

    /** A machine's first event in the verified range: the chain is checked from there (earlier events may be out of range). */
    private static AuditChain.Head startOf(Map<String, Object> first) {
        if (first.get("seq") instanceof Number seq && first.get("prev_hash") instanceof String prev && seq.longValue() > 1) {
            return new AuditChain.Head(seq.longValue() - 1, prev);
        }
        return AuditChain.Head.START;
    }

    private static Instant hourOfManifestKey(String key) {
        if (!key.startsWith(ArchiveManifest.MANIFESTS_PREFIX) || !key.endsWith(".json")) {
            return null;
        }
        try {
            return Instant.parse(key.substring(ArchiveManifest.MANIFESTS_PREFIX.length(), key.length() - 5) + ":00:00Z");
        } catch (RuntimeException e) {
            return null;
        }
    }
}
