package io.ccpolicy.engine.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-machine hash chain over audit events. Each event carries {@code seq} (1, 2, 3, ... per machine),
 * {@code prev_hash} (the previous event's hash; 64 zeros for the first) and {@code hash}: the SHA-256 of the event's
 * canonical JSON without its {@code hash} field. Altering an event breaks its hash; removing or reordering events breaks
 * the sequence and the links, and {@link #verify} says which event and how.
 */
public final class AuditChain {

    public static final String GENESIS = "0".repeat(64);

    /** Where a chain is broken: the position in the list, the event id, and what is wrong. */
    public record Finding(int index, String eventId, String problem) {

        @Override
        public String toString() {
            return "event " + (index + 1) + " (" + eventId + "): " + problem;
        }
    }

    /** The chain's head: the last sequence number and hash, from which the next event continues. */
    public record Head(long seq, String hash) {

        public static final Head START = new Head(0, GENESIS);
    }

    private AuditChain() {
    }

    /** The event with seq, prev_hash and hash added, continuing from {@code head}. */
    public static Map<String, Object> seal(Map<String, Object> event, Head head) {
        Map<String, Object> sealed = new LinkedHashMap<>(event);
        sealed.remove("hash");
        sealed.remove(EventSignature.FIELD);
        sealed.put("seq", head.seq() + 1);
        sealed.put("prev_hash", head.hash());
        sealed.put("hash", hash(sealed));
        return sealed;
    }

    public static Head headOf(Map<String, Object> sealed) {
        return new Head(((Number) sealed.get("seq")).longValue(), (String) sealed.get("hash"));
    }

    /** SHA-256 (hex) of the canonical form without the hash field (nor the signature, which signs the hash). */
    public static String hash(Map<String, Object> event) {
        return Sha256.hex(CanonicalJson.writeWithout(event, "hash", EventSignature.FIELD));
    }

    /**
     * Checks one machine's events in order, starting after {@code from} (Head.START for a complete chain). Every broken
     * place is reported, not just the first.
     */
    public static List<Finding> verify(List<Map<String, Object>> events, Head from) {
        List<Finding> findings = new ArrayList<>();
        long expectedSeq = from.seq() + 1;
        String expectedPrev = from.hash();
        for (int i = 0; i < events.size(); i++) {
            Map<String, Object> event = events.get(i);
            String id = String.valueOf(event.get("eventId"));
            Object seqValue = event.get("seq");
            Object hashValue = event.get("hash");
            if (!(seqValue instanceof Number) || !(hashValue instanceof String) || !(event.get("prev_hash") instanceof String)) {
                findings.add(new Finding(i, id, "has no seq, prev_hash or hash (not a chained event)"));
                continue;
            }
            long seq = ((Number) seqValue).longValue();
            String recorded = (String) hashValue;
            if (!hash(event).equals(recorded)) {
                findings.add(new Finding(i, id, "content does not match its hash (altered)"));
            }
            if (seq < expectedSeq) {
                // An event from earlier in the chain: it does not move the chain forward.
                findings.add(new Finding(i, id, "seq " + seq + " after " + (expectedSeq - 1) + " (reordered or replayed)"));
                continue;
            }
            if (seq > expectedSeq) {
                findings.add(new Finding(i, id, "seq " + seq + " follows " + (expectedSeq - 1) + ": " + (seq - expectedSeq)
                        + " event(s) missing (removed)"));
            } else if (!expectedPrev.equals(event.get("prev_hash"))) {
                findings.add(new Finding(i, id, "prev_hash does not link to the previous event (replaced)"));
            }
            expectedSeq = seq + 1;
            expectedPrev = recorded;
        }
        return findings;
    }
}
