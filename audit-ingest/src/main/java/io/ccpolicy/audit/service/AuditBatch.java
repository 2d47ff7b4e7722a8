package io.ccpolicy.audit.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * One batch an agent posts over HTTPS: NDJSON, one audit event per line, gzip-compressed or not. Each line is checked
 * only as far as Kafka's consumer would refuse it anyway (JSON, the fields the store keys on, a record's size); the
 * authenticity checks happen where every producer's events meet them, in the consumer. A line is kept byte for byte:
 * its hash chain and signature are over exactly what the agent wrote.
 *
 * @param events  the lines to append, in the agent's order
 * @param refused the lines no retry can make acceptable, by line number (1-based), with why
 */
public record AuditBatch(List<Event> events, List<Refusal> refused) {

    /** A line to append: its machine id is the Kafka key, as with direct producers. */
    public record Event(int line, String machineId, String json) {
    }

    public record Refusal(int line, String reason) {
    }

    /** Thrown when the body as a whole cannot be read (its line numbers would mean nothing), or is too large to. */
    public static final class Unreadable extends Exception {
        private final boolean tooLarge;

        Unreadable(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        public boolean tooLarge() {
            return tooLarge;
        }
    }

    /** Below Kafka's default max.request.size, as the agent's own shipper limits a record. */
    public static final int MAX_LINE_BYTES = 900 * 1024;

    /** Each line read by {@code records} as the consumer reads a Kafka record, so what passes here is what the consumer stores. */
    public static AuditBatch read(byte[] body, boolean gzip, long maxBytes, AuditEventRecords records) throws Unreadable {
        byte[] ndjson = gzip ? gunzip(body, maxBytes) : body;
        if (ndjson.length > maxBytes) {
            throw new Unreadable("the batch is larger than " + maxBytes + " bytes; send smaller batches", true);
        }
        List<Event> events = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        int number = 0;
        for (String line : new String(ndjson, StandardCharsets.UTF_8).split("\n", -1)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            if (line.getBytes(StandardCharsets.UTF_8).length > MAX_LINE_BYTES) {
                refused.add(new Refusal(number, "larger than an audit event may be (" + MAX_LINE_BYTES + " bytes)"));
                continue;
            }
            try {
                events.add(new Event(number, records.parse(line, -1, -1).machineId(), line));
            } catch (InvalidAuditEventException e) {
                refused.add(new Refusal(number, e.getMessage()));
            }
        }
        return new AuditBatch(List.copyOf(events), List.copyOf(refused));
    }

    /** Decompressed up to {@code maxBytes}: a small body that inflates without end is refused, not read into memory. */
    private static byte[] gunzip(byte[] body, long maxBytes) throws Unreadable {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (out.length > maxBytes) {
                throw new Unreadable("the batch inflates to more than " + maxBytes + " bytes; send smaller batches", true);
            }
            return out;
        } catch (IOException e) {
            throw new Unreadable("the body says Content-Encoding: gzip but is not gzip data (" + e.getMessage() + ")", false);
        }
    }
}
