package io.ccpolicy.agent.audit;

import io.ccpolicy.agent.config.OwnerOnlyFiles;
import io.ccpolicy.agent.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The write-ahead journal that lets the agent answer Claude Code before it has audited the call, without a crash losing
 * the call: each hook payload is appended here, as received, before the answer leaves (one write; the journal is forced
 * to disk with the spool), and the audit event is built, sealed and signed once the answer is out. A call in the
 * journal when the agent starts whose event the spool does not hold is one a crash interrupted, and is recorded then
 * ({@link #interrupted()}). The journal is emptied only with no call open, and always before the spool is compacted, so
 * that check sees every event recorded since its first entry. It holds payloads before the audit masks them (prompts,
 * file contents, as Claude Code's own transcripts do), so it is readable by its owner only.
 */
public final class AuditIntake {

    /** A call as received: its event id and time, fixed here so that a recovered call is recorded as it happened. */
    public record Call(String eventId, Instant receivedAt, String event, String payload, long spoolAt) {
    }

    static final String FILE = "intake.jsonl";

    private final Path file;
    private final FileChannel channel;
    private final AuditSpool spool;
    private static final long EMPTY_AFTER_BYTES = 1024 * 1024;
    private int open;
    private boolean dirty;
    private long written;

    public AuditIntake(AuditSpool spool) throws IOException {
        this.spool = spool;
        this.file = spool.file().resolveSibling(FILE);
        OwnerOnlyFiles.create(file, ""); // raw payloads (prompts, file contents) before the audit masks them: owner only
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        spool.compactOnlyWhen(this::emptyIfIdle);
    }

    /**
     * Journals a call before it is answered: a header line, then the payload's bytes as received (no re-encoding on the
     * answer's path), then a newline.
     */
    public Call receive(String event, byte[] payload, Instant now) {
        Call call = new Call("evt_" + UUID.randomUUID(), now, event, new String(payload, StandardCharsets.UTF_8), spool.size());
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("eventId", call.eventId());
        header.put("receivedAt", call.receivedAt().toString());
        header.put("event", call.event());
        header.put("spoolAt", call.spoolAt());
        header.put("bytes", payload.length);
        byte[] head = (Json.compact(header) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(head.length + payload.length + 1).put(head).put(payload).put((byte) '\n').flip();
        synchronized (this) {
            try {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot journal a hook call in " + file, e);
            }
            open++;
            dirty = true;
            written += bytes.limit();
        }
        return call;
    }

    /**
     * The call's event is in the spool (or it needed none). The journal is emptied once it has grown past a megabyte with
     * no call open, and before the spool is compacted; not after every call: freeing and reallocating its blocks each
     * time made the next call's journal write wait on the file system's own journal.
     */
    public void recorded(Call call) {
        synchronized (this) {
            open--;
            notifyAll();
            if (open > 0 || written < EMPTY_AFTER_BYTES) {
                return;
            }
        }
        emptyIfIdle();
    }

    /** Empties the journal if no call is open; whether it is empty. The spool is forced first, so no event is lost. */
    private boolean emptyIfIdle() {
        synchronized (this) {
            if (open > 0) {
                return false;
            }
        }
        spool.forceIfDirty(); // the events reach the disk before the journal that could replay them is emptied
        synchronized (this) {
            if (open > 0) { // a call received meanwhile keeps the journal
                return false;
            }
            try {
                channel.truncate(0);
                written = 0;
                return true;
            } catch (IOException e) {
                return false; // kept: a restart checks each call against the spool before recording it
            }
        }
    }

    /** Forces journaled calls to disk; the daemon calls this with the spool's own force. */
    public void forceIfDirty() {
        synchronized (this) {
            if (!dirty) {
                return;
            }
            dirty = false;
        }
        try {
            channel.force(false);
        } catch (IOException e) {
            synchronized (this) {
                dirty = true;
            }
        }
    }

    /** How many answered calls are not yet recorded in the spool. */
    public synchronized int unrecorded() {
        return open;
    }

    /** Waits until every journaled call has been recorded, or the timeout passes; whether it has. */
    public synchronized boolean awaitRecorded(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (open > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /**
     * The calls a crash left unrecorded, oldest first: those in the journal whose event the spool does not hold. An entry
     * cut off by the crash is left out (its call was never answered). They count as open until recorded.
     */
    public synchronized List<Call> interrupted() throws IOException {
        List<Call> calls = new ArrayList<>();
        long from = Long.MAX_VALUE;
        byte[] journal = Files.readAllBytes(file);
        written = journal.length;
        int at = 0;
        while (at < journal.length) {
            int newline = indexOf(journal, (byte) '\n', at);
            Map<String, Object> header = newline < 0 ? null
                    : Json.object(new String(journal, at, newline - at, StandardCharsets.UTF_8), new String[1]).orElse(null);
            if (header == null || !(header.get("eventId") instanceof String id) || !(header.get("bytes") instanceof Number length)
                    || !(header.get("spoolAt") instanceof Number spoolAt) || newline + 1 + length.intValue() > journal.length) {
                break; // cut off by the crash: that call was never answered
            }
            Instant receivedAt;
            try {
                receivedAt = Instant.parse(String.valueOf(header.get("receivedAt")));
            } catch (java.time.format.DateTimeParseException e) {
                break; // not a header this agent wrote: nothing from here on can be trusted to be a call
            }
            String payload = new String(journal, newline + 1, length.intValue(), StandardCharsets.UTF_8);
            calls.add(new Call(id, receivedAt, String.valueOf(header.get("event")), payload, spoolAt.longValue()));
            from = Math.min(from, spoolAt.longValue());
            at = newline + 1 + length.intValue() + 1;
        }
        if (calls.isEmpty()) {
            channel.truncate(0);
            return calls;
        }
        String since = spool.readFrom(Math.min(from, spool.size()));
        calls.removeIf(call -> since.contains("\"eventId\":\"" + call.eventId() + "\""));
        open += calls.size();
        if (open == 0) {
            channel.truncate(0);
        }
        return calls;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
