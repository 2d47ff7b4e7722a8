package io.ccpolicy.engine.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The signed hourly manifest of the S3 audit archive (the CloudTrail digest pattern). Every hour has one, in order, even
 * an hour without events; each lists the archive objects written in its hour with their SHA-256 and offset range, and
 * carries the digest of the previous hour's manifest. A deleted or altered object, a deleted or altered manifest and a
 * missing hour are therefore all provable. Producer (audit-ingest) and verifier (hook-agent verify-audit) share this
 * definition.
 *
 * <p>The archive is write-once (S3 Object Lock where the store has it), so nothing in it is ever deleted: an object
 * written by a batch that failed before it committed holds no event of the trail, and its hour's manifest lists it
 * under {@code abandoned}, which tells it from an object added after sealing.
 *
 * <p>Layout: objects at {@code events/<hour>/<topic>/p<partition>/<first offset>-<last offset>.ndjson.gz}, manifests at
 * {@code manifests/<hour>.json}, where {@code <hour>} reads {@code 2026-11-24T22} (UTC).
 */
public record ArchiveManifest(Instant hour, Instant previousHour, String previousManifestSha256, List<Entry> objects,
        List<String> abandoned, Instant createdAt) {

    public static final int VERSION = 1;
    public static final String EVENTS_PREFIX = "events/";
    public static final String MANIFESTS_PREFIX = "manifests/";
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH").withZone(ZoneOffset.UTC);

    /** One archive object: gzip NDJSON, one audit event per line, from one Kafka partition's offset range. */
    public record Entry(String key, String topic, int partition, long firstOffset, long lastOffset, int events, long bytes,
            String sha256) {
    }

    public ArchiveManifest {
        objects = List.copyOf(objects);
        abandoned = List.copyOf(abandoned);
    }

    /** A manifest without abandoned objects. */
    public ArchiveManifest(Instant hour, Instant previousHour, String previousManifestSha256, List<Entry> objects, Instant createdAt) {
        this(hour, previousHour, previousManifestSha256, objects, List.of(), createdAt);
    }

    public static Instant hourOf(Instant instant) {
        return instant.truncatedTo(ChronoUnit.HOURS);
    }

    public static String hourLabel(Instant hour) {
        return HOUR.format(hour);
    }

    public static String objectKey(Instant hour, String topic, int partition, long firstOffset, long lastOffset) {
        return EVENTS_PREFIX + hourLabel(hour) + "/" + topic + "/p" + partition + "/" + String.format("%020d-%020d", firstOffset, lastOffset)
                + ".ndjson.gz";
    }

    public static String manifestKey(Instant hour) {
        return MANIFESTS_PREFIX + hourLabel(hour) + ".json";
    }

    /** The hour an object key belongs to, or null when the key is not an archive object's. */
    public static Instant hourOfObjectKey(String key) {
        if (!key.startsWith(EVENTS_PREFIX) || key.length() < EVENTS_PREFIX.length() + 13) {
            return null;
        }
        return parseHour(key.substring(EVENTS_PREFIX.length(), EVENTS_PREFIX.length() + 13));
    }

    private static Instant parseHour(String label) {
        try {
            return Instant.parse(label + ":00:00Z");
        } catch (RuntimeException e) {
            return null;
        }
    }

    public String key() {
        return manifestKey(hour);
    }

    /** The signed content, as a JSON-ready map (CanonicalJson writes the bytes that are signed). */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", VERSION);
        body.put("hour", hour.toString());
        body.put("previousHour", previousHour == null ? null : previousHour.toString());
        body.put("previousManifestSha256", previousManifestSha256);
        body.put("createdAt", createdAt.toString());
        List<Object> list = new ArrayList<>();
        for (Entry e : objects) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("key", e.key());
            o.put("topic", e.topic());
            o.put("partition", e.partition());
            o.put("firstOffset", e.firstOffset());
            o.put("lastOffset", e.lastOffset());
            o.put("events", e.events());
            o.put("bytes", e.bytes());
            o.put("sha256", e.sha256());
            list.add(o);
        }
        body.put("objects", list);
        if (!abandoned.isEmpty()) {
            // only when there are some, so manifests signed before this field existed read as they were signed
            body.put("abandoned", abandoned);
        }
        return body;
    }

    /** Reads a manifest body; a missing or mistyped field is named in the exception. */
    public static ArchiveManifest fromBody(Map<?, ?> body) {
        if (!(body.get("version") instanceof Number v) || v.intValue() != VERSION) {
            throw new IllegalArgumentException("manifest version is " + body.get("version") + ", expected " + VERSION);
        }
        List<Entry> entries = new ArrayList<>();
        if (!(body.get("objects") instanceof List<?> list)) {
            throw new IllegalArgumentException("manifest has no objects list");
        }
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> o)) {
                throw new IllegalArgumentException("manifest object entry is not an object");
            }
            entries.add(new Entry(text(o, "key"), text(o, "topic"), (int) number(o, "partition"), number(o, "firstOffset"),
                    number(o, "lastOffset"), (int) number(o, "events"), number(o, "bytes"), text(o, "sha256")));
        }
        List<String> abandoned = new ArrayList<>();
        if (body.get("abandoned") != null) {
            if (!(body.get("abandoned") instanceof List<?> keys) || !keys.stream().allMatch(String.class::isInstance)) {
                throw new IllegalArgumentException("manifest field abandoned is not a list of object keys");
            }
            keys.forEach(k -> abandoned.add((String) k));
        }
        Object previous = body.get("previousHour");
        return new ArchiveManifest(instant(body, "hour"), previous == null ? null : instant(body, "previousHour"),
                text(body, "previousManifestSha256"), entries, abandoned, instant(body, "createdAt"));
    }

    private static String text(Map<?, ?> map, String field) {
        if (!(map.get(field) instanceof String s)) {
            throw new IllegalArgumentException("manifest field " + field + " is missing or not a string");
        }
        return s;
    }

    private static long number(Map<?, ?> map, String field) {
        if (!(map.get(field) instanceof Number n)) {
            throw new IllegalArgumentException("manifest field " + field + " is missing or not a number");
        }
        return n.longValue();
    }

    private static Instant instant(Map<?, ?> map, String field) {
        try {
            return Instant.parse(text(map, field));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("manifest field " + field + " is not an ISO-8601 instant");
        }
    }
}
