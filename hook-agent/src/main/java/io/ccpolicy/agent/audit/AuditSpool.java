package io.ccpolicy.agent.audit;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.MachineKey;
import io.ccpolicy.engine.audit.AuditBounds;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.engine.audit.EventSignature;
import io.ccpolicy.engine.sign.Signer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The agent's audit spool, all of its state in one place (the buffering rules are in the module README):
 * <ul>
 * <li><b>append</b>: one complete JSON event per line in {@code <state>/audit/events.jsonl}, written before the hook
 * answer leaves, so nothing the agent decided goes unrecorded. Every event is sealed into this machine's hash chain
 * (seq, prev_hash, hash); after a restart the chain continues from the last complete line, and a line left half written
 * by a crash is cut off (it was never answered).</li>
 * <li><b>next</b> and <b>acknowledge</b>: batches are read from the acknowledged position, which moves (durably, in
 * {@code audit/shipped.offset}) only once the destination took every line of a batch; a crash in between resends it.</li>
 * <li><b>set aside</b>: a line the destination can never take goes, whole, to {@code audit/quarantine.jsonl}.</li>
 * <li><b>compact</b>: once the spool holds {@code compactBytes} and all of it is acknowledged, it is emptied, the chain
 * head saved first.</li>
 * </ul>
 * The shipper only sends what {@link #next} hands it and reports the outcome.
 */
public final class AuditSpool implements AutoCloseable {

    /** Lines read from the acknowledged position, and the offset just after them. */
    public record Batch(List<String> lines, long end) {
    }

    /** Shipped events are deleted once the spool holds this much and all of it is acknowledged. */
    static final long COMPACT_BYTES = 64L * 1024 * 1024;
    static final String HEAD_FILE = "chain.head";
    private static final int READ_WINDOW = 8 * 1024 * 1024;
    private static final int BLOCK = 64 * 1024;

    private final FileChannel channel;
    private final Path file;
    private final Path positionFile;
    private final Path quarantineFile;
    private final long compactBytes;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();
    private final AtomicBoolean dirty = new AtomicBoolean();
    /** Everything before this offset is acknowledged; -1 while nothing ships (then nothing counts as pending). */
    private volatile long acknowledged = -1;
    private AuditChain.Head head;
    private volatile Signer signer;
    private volatile BooleanSupplier compactable = () -> true;

    public AuditSpool(Path stateDir) throws IOException {
        this(stateDir, COMPACT_BYTES);
    }

    AuditSpool(Path stateDir, long compactBytes) throws IOException {
        Path dir = Files.createDirectories(stateDir.resolve("audit"));
        this.file = dir.resolve("events.jsonl");
        this.positionFile = dir.resolve("shipped.offset");
        this.quarantineFile = dir.resolve("quarantine.jsonl");
        this.compactBytes = compactBytes;
        this.head = recoverHead(file);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (Files.isRegularFile(quarantineFile)) {
            try (var lines = Files.lines(quarantineFile)) {
                quarantined.set(lines.count());
            }
        }
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
        try (RandomAccessFile spool = new RandomAccessFile(file.toFile(), "rw")) {
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
    private static long lastNewline(RandomAccessFile spool, long before) throws IOException {
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

    public Path quarantineFile() {
        return quarantineFile;
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
                Signer key = signer;
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
            Files.move(temp, headFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            channel.truncate(0);
            channel.force(true);
            return true;
        }
    }

    /** Compaction waits while {@code condition} is false (the intake journal holds calls whose events may be here). */
    public void compactOnlyWhen(BooleanSupplier condition) {
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

    /**
     * Starts counting what waits to be shipped, from the position saved by the last acknowledgement (a position beyond
     * the file means the file was compacted after everything was acknowledged). Called once a shipper exists: an agent
     * that ships nowhere has nothing pending.
     */
    public synchronized void startShipping() throws IOException {
        long saved = Files.isRegularFile(positionFile) ? Long.parseLong(Files.readString(positionFile).trim()) : 0;
        acknowledged = saved > size() ? 0 : saved;
    }

    /** Everything before this offset is acknowledged (0 before shipping starts). */
    public long acknowledged() {
        return Math.max(0, acknowledged);
    }

    /** Bytes recorded but not yet acknowledged (0 when the agent does not ship). */
    public long pendingBytes() {
        long from = acknowledged;
        return from < 0 ? 0 : Math.max(0, size() - from);
    }

    /**
     * Up to {@code max} complete lines from the acknowledged position. A line longer than the read window (an old spool)
     * is handed over as its head, marked, so that it goes to quarantine instead of blocking every line behind it.
     */
    public Batch next(int max) throws IOException {
        long from = acknowledged();
        List<String> lines = new ArrayList<>();
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = reader.size();
            if (from >= size) {
                return new Batch(lines, from);
            }
            // Only as far as the batch needs, a block at a time: the shipper asks every 100 ms while events wait for
            // their flush interval, and reading the whole window each time cost up to 8 MB per ask.
            long limit = Math.min(size - from, READ_WINDOW);
            byte[] window = new byte[(int) Math.min(limit, BLOCK)];
            int filled = 0;
            int start = 0;
            long offset = from;
            while (filled < limit && lines.size() < max) {
                if (filled == window.length) {
                    window = Arrays.copyOf(window, (int) Math.min(limit, 2L * window.length));
                }
                int read = reader.read(ByteBuffer.wrap(window, filled, window.length - filled), from + filled);
                if (read < 0) {
                    break;
                }
                for (int i = filled; i < filled + read && lines.size() < max; i++) {
                    if (window[i] == '\n') {
                        lines.add(new String(window, start, i - start, StandardCharsets.UTF_8));
                        offset = from + i + 1;
                        start = i + 1;
                    }
                }
                filled += read;
            }
            if (lines.isEmpty() && filled == READ_WINDOW) {
                long end = newlineFrom(reader, from + filled, size);
                lines.add(new String(window, 0, 64 * 1024, StandardCharsets.UTF_8) + "...(a line of " + (end - from) + " bytes)");
                return new Batch(lines, Math.min(end + 1, size));
            }
            return new Batch(lines, offset);
        }
    }

    /** The position of the first newline at or after {@code at}, or {@code size} when there is none. */
    private static long newlineFrom(FileChannel reader, long at, long size) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        for (long position = at; position < size; position += block.position()) {
            block.clear();
            if (reader.read(block, position) < 0) {
                break;
            }
            for (int i = 0; i < block.position(); i++) {
                if (block.get(i) == '\n') {
                    return position + i;
                }
            }
        }
        return size;
    }

    /**
     * The destination took every line of {@code batch} (or they were set aside): the position moves past it, durably,
     * and the spool is compacted when it is large and wholly acknowledged.
     */
    public void acknowledge(Batch batch) throws IOException {
        persistPosition(batch.end());
        if (batch.end() >= compactBytes && compact(batch.end())) {
            persistPosition(0);
        }
    }

    private void persistPosition(long offset) throws IOException {
        Path temp = positionFile.resolveSibling("shipped.offset.tmp");
        Files.writeString(temp, offset + "\n");
        try (FileChannel sync = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            sync.force(true);
        }
        Files.move(temp, positionFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        acknowledged = offset;
    }

    /** Sets a line the destination can never take aside in the quarantine file (whole, durably) and counts it. */
    public void setAside(String line, String why) throws IOException {
        String entry = Json.compact(Map.of("quarantinedAt", Instant.now().toString(), "reason", why, "line", line)) + "\n";
        try (FileChannel quarantine = FileChannel.open(quarantineFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            quarantine.write(ByteBuffer.wrap(entry.getBytes(StandardCharsets.UTF_8)));
            quarantine.force(true);
        }
        quarantined.incrementAndGet();
    }

    /** Lines set aside so far, this run and before. */
    public long quarantined() {
        return quarantined.get();
    }

    /** The agent's timestamp of the oldest event not acknowledged yet, "" when none waits. */
    public String oldestUnsent() {
        try {
            List<String> next = next(1).lines();
            Object timestamp = next.isEmpty() ? null : Json.object(next.get(0), new String[1]).orElse(Map.of()).get("timestamp");
            return timestamp == null ? "" : timestamp.toString();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        channel.force(true);
        channel.close();
    }
}
