package io.ccpolicy.agent.audit;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.MachineKey;
import io.ccpolicy.engine.audit.AuditBounds;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.engine.audit.EventSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local audit sink: one complete JSON event per line, appended to {@code <state>/audit/events.jsonl} before the
 * hook answer leaves, so nothing the agent decided goes unrecorded. Every event is sealed into this machine's hash
 * chain (seq, prev_hash, hash); after a restart the chain continues from the last complete line, and a line left half
 * written by a crash is cut off (it was never answered). Compact JSON, one write per event.
 */
public final class AuditLog implements AutoCloseable {

    private final FileChannel channel;
    private final Path file;
    static final String HEAD_FILE = "chain.head";
    private final AtomicLong written = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean dirty = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long shippedOffset = -1;
    private AuditChain.Head head;
    private volatile io.ccpolicy.engine.sign.Signer signer;
    private volatile java.util.function.BooleanSupplier compactable = () -> true;

    public AuditLog(Path stateDir) throws IOException {
        Path dir = Files.createDirectories(stateDir.resolve("audit"));
        this.file = dir.resolve("events.jsonl");
        this.head = recoverHead(file);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /**
     * The chain head from the last complete line; a partial last line (a crash mid-write) is cut off first. An empty
     * file (everything shipped and compacted) continues from the head saved at compaction. Only the file's tail is read:
     * a spool of hundreds of megabytes (a laptop long offline) starts in the same memory as an empty one.
     */
    private static AuditChain.Head recoverHead(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) == 0) {
            return savedHead(file.resolveSibling(HEAD_FILE));
        }
        try (java.io.RandomAccessFile spool = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            long end = lastNewline(spool, spool.length()) + 1; // just after the last complete line, 0 when there is none
            if (end < spool.length()) {
                spool.setLength(end);
            }
            if (end == 0) {
                return savedHead(file.resolveSibling(HEAD_FILE));
            }
            long start = lastNewline(spool, end - 1) + 1;
            byte[] line = new byte[(int) (end - 1 - start)];
            spool.seek(start);
            spool.readFully(line);
            Map<String, Object> event = Json.object(new String(line, StandardCharsets.UTF_8), new String[1]).orElse(Map.of());
            if (event.get("seq") instanceof Number seq && event.get("hash") instanceof String hash) {
                return new AuditChain.Head(seq.longValue(), hash);
            }
            return AuditChain.Head.START;
        }
    }

    /** The position of the last newline before {@code before}, or -1: read backwards a block at a time. */
    private static long lastNewline(java.io.RandomAccessFile spool, long before) throws IOException {
        byte[] block = new byte[64 * 1024];
        long to = before;
        while (to > 0) {
            int length = (int) Math.min(block.length, to);
            long from = to - length;
            spool.seek(from);
            spool.readFully(block, 0, length);
            for (int i = length - 1; i >= 0; i--) {
                if (block[i] == '\n') {
                    return from + i;
                }
            }
            to = from;
        }
        return -1;
    }

    public Path file() {
        return file;
    }

    /** Signs every event appended from now on with this machine's key (EventSignature). */
    public void signWith(MachineKey key) {
        this.signer = key.signer();
    }

    public long written() {
        return written.get();
    }

    /**
     * Appends the event, sealed into the chain. Whatever a payload held, the line stays within what Kafka and PostgreSQL
     * take: strings sanitized and cut, an event still too large reduced to its identifying fields (both marked).
     */
    public void append(Map<String, Object> event) {
        try {
            Map<String, Object> bounded = AuditBounds.bounded(event);
            String text = Json.compact(bounded);
            if (text.length() > AuditBounds.MAX_EVENT_CHARS) {
                bounded = AuditBounds.shrunk(bounded, text.length());
            }
            synchronized (channel) {
                Map<String, Object> sealed = AuditChain.seal(bounded, head);
                io.ccpolicy.engine.sign.Signer key = signer;
                if (key != null) {
                    sealed = EventSignature.sign(sealed, key);
                }
                ByteBuffer buffer = ByteBuffer.wrap((Json.compact(sealed) + "\n").getBytes(StandardCharsets.UTF_8));
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                head = AuditChain.headOf(sealed);
            }
            dirty.set(true);
            written.incrementAndGet();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit log " + file, e);
        }
    }

    private static AuditChain.Head savedHead(Path headFile) throws IOException {
        if (!Files.isRegularFile(headFile)) {
            return AuditChain.Head.START;
        }
        String[] parts = Files.readString(headFile).trim().split(" ");
        return new AuditChain.Head(Long.parseLong(parts[0]), parts[1]);
    }

    /**
     * Deletes the shipped events: only when Kafka has acknowledged everything in the file ({@code shippedSize} is its
     * whole size, checked under the append lock). The chain head is saved first, so the chain continues after a restart.
     */
    public boolean compact(long shippedSize) throws IOException {
        synchronized (channel) {
            if (channel.size() != shippedSize || shippedSize == 0 || !compactable.getAsBoolean()) {
                return false;
            }
            channel.force(true);
            Path headFile = file.resolveSibling(HEAD_FILE);
            Path temp = file.resolveSibling(HEAD_FILE + ".tmp");
            Files.writeString(temp, head.seq() + " " + head.hash() + "\n");
            try (FileChannel sync = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                sync.force(true);
            }
            Files.move(temp, headFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            channel.truncate(0);
            channel.force(true);
            return true;
        }
    }

    /** Compaction waits while {@code condition} is false (the intake journal holds calls whose events may be here). */
    public void compactOnlyWhen(java.util.function.BooleanSupplier condition) {
        this.compactable = condition;
    }

    /** The spool's text from byte {@code offset} to its end. */
    public String readFrom(long offset) throws IOException {
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = reader.size();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, size - offset)));
            long at = offset;
            while (buffer.hasRemaining()) {
                int read = reader.read(buffer, at);
                if (read < 0) {
                    break;
                }
                at += read;
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }

    /** Forces appended events to disk; the daemon calls this every 50 ms, bounding what a power loss can take. */
    public void forceIfDirty() {
        if (dirty.getAndSet(false)) {
            try {
                channel.force(false);
            } catch (IOException e) {
                dirty.set(true);
            }
        }
    }

    public long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Set by the shipper: everything before this byte offset is acknowledged by Kafka; -1 while nothing ships. */
    public void shippedUpTo(long offset) {
        shippedOffset = offset;
    }

    /** Bytes recorded but not yet acknowledged by Kafka (0 when the agent does not ship). */
    public long pendingBytes() {
        return shippedOffset < 0 ? 0 : Math.max(0, size() - shippedOffset);
    }

    @Override
    public void close() throws IOException {
        channel.force(true);
        channel.close();
    }
}
