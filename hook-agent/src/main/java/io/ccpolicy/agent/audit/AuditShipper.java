package io.ccpolicy.agent.audit;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.model.AuditSettings;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Ships the audit spool from the last acknowledged position, in batches, to the policy's {@code audit.destination}
 * (audit-ingest over HTTPS) or to the Kafka agent.yaml names. The position moves, and is written to
 * {@code audit/shipped.offset}, only after the destination acknowledged every line of a batch; while it is unreachable
 * the shipper retries with backoff, and after a restart it resumes from the file. A crash between acknowledgement and
 * the position write resends a batch; audit-ingest is idempotent on eventId, so that costs nothing.
 *
 * <p>The cadence is the policy's, read again before every batch (so a policy reload changes it): a batch leaves once
 * {@code batch_size} events wait, or once the oldest has waited {@code flush_interval} seconds. Waiting costs no
 * durability: every event is already fsynced in the spool.
 */
public final class AuditShipper implements AutoCloseable {

    /** What {@code status} shows. */
    public record Status(long shippedBytes, long pendingBytes, String oldestUnsent, long lastKafkaOffset, String lastError, long quarantined) {
    }

    private final AuditLog log;
    private final Path positionFile;
    private final AgentConfig agent;
    private final Path stateDir;
    private final Supplier<AuditSettings> settings;
    private final Supplier<String> token;
    private final AgentLog agentLog;
    private final Thread thread;
    private volatile long position;
    private volatile String lastError = "";
    private volatile boolean closed;
    /** The transport of the current destination; replaced (and the old one closed) when the policy names another. */
    private volatile AuditTransport transport;
    /** When the shipper first saw the events now waiting (System.nanoTime), 0 when none wait. */
    private long waitingSince;
    /** Lines the destination can never take (too large, invalid) are set aside here, so they never block the stream behind them. */
    private final Path quarantineFile;
    private final java.util.concurrent.atomic.AtomicLong quarantined = new java.util.concurrent.atomic.AtomicLong();

    /** Shipped events are deleted once the spool holds this much and all of it is acknowledged. */
    static final long COMPACT_BYTES = 64L * 1024 * 1024;

    private final long compactBytes;

    /**
     * {@code settings}: the policy's audit section as it is now; {@code token}: the bearer token for an HTTPS destination
     * (the signed-in developer's or the machine's).
     */
    public AuditShipper(AuditLog log, Path stateDir, AgentConfig agent, Supplier<AuditSettings> settings, Supplier<String> token,
            AgentLog agentLog) throws IOException {
        this(log, stateDir, agent, settings, token, agentLog, COMPACT_BYTES);
    }

    AuditShipper(AuditLog log, Path stateDir, AgentConfig agent, Supplier<AuditSettings> settings, Supplier<String> token, AgentLog agentLog,
            long compactBytes) throws IOException {
        this.compactBytes = compactBytes;
        this.log = log;
        this.agent = agent;
        this.stateDir = stateDir;
        this.settings = settings;
        this.token = token;
        this.positionFile = stateDir.resolve("audit/shipped.offset");
        this.quarantineFile = stateDir.resolve("audit/quarantine.jsonl");
        if (Files.isRegularFile(quarantineFile)) {
            try (var lines = Files.lines(quarantineFile)) {
                quarantined.set(lines.count());
            }
        }
        this.agentLog = agentLog;
        long saved = Files.isRegularFile(positionFile) ? Long.parseLong(Files.readString(positionFile).trim()) : 0;
        // A position beyond the file means the file was compacted after everything was acknowledged.
        this.position = saved > log.size() ? 0 : saved;
        log.shippedUpTo(position);
        this.thread = new Thread(this::loop, "audit-shipper");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Whether this agent has anywhere to ship: an HTTPS destination in the policy, or Kafka in agent.yaml. */
    public static boolean hasDestination(AgentConfig agent, AuditSettings settings) {
        return settings.httpDestination().isPresent() || agent.shipping().enabled();
    }

    private void loop() {
        long backoff = 500;
        while (!closed) {
            try {
                if (!shipBatch()) {
                    Thread.sleep(100);
                }
                if (!lastError.isEmpty()) {
                    agentLog.info("audit shipping resumed");
                    lastError = "";
                }
                backoff = 500;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                // Kafka wraps what went wrong ("Failed to construct kafka producer"): say the cause as well.
                String error = e.getClass().getSimpleName() + ": " + e.getMessage() + (root == e ? "" : " (" + root.getMessage() + ")");
                if (!error.equals(lastError)) {
                    agentLog.warn("audit shipping to " + destination() + " failed, events stay in the spool and will be resent: " + error);
                }
                lastError = error;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    /** The transport for the destination the policy names now (the HTTPS endpoint, else Kafka), or null when there is none. */
    private AuditTransport transport(AuditSettings now) {
        String wanted = now.httpDestination().map(Object::toString).orElse(agent.shipping().enabled() ? "kafka" : "");
        AuditTransport current = transport;
        if (current != null && (current instanceof KafkaTransport ? wanted.equals("kafka") : current.destination().equals(wanted))) {
            return current;
        }
        if (current != null) {
            current.close();
            agentLog.info("audit shipping moves from " + current.destination() + " to " + (wanted.isEmpty() ? "nowhere" : wanted));
        }
        transport = wanted.isEmpty() ? null : wanted.equals("kafka") ? new KafkaTransport(agent, stateDir)
                : new HttpsTransport(now.httpDestination().orElseThrow(), token);
        return transport;
    }

    /** Where events go: the transport in use, or before the first batch the one the policy names. */
    private String destination() {
        AuditTransport current = transport;
        if (current != null) {
            return current.destination();
        }
        AuditSettings now = settings.get();
        return now.httpDestination().map(Object::toString)
                .orElse(agent.shipping().enabled() ? "Kafka topic " + agent.shipping().topic() : "no destination");
    }

    /** Sends the next batch when it is due and moves the position when all of it is acknowledged; false when none was sent. */
    private boolean shipBatch() throws Exception {
        AuditSettings now = settings.get();
        List<String> lines = new ArrayList<>();
        long end = read(position, lines, now.batchSize());
        if (lines.isEmpty()) {
            waitingSince = 0;
            return false;
        }
        if (lines.size() < now.batchSize()) {
            long clock = System.nanoTime();
            if (waitingSince == 0) {
                waitingSince = clock;
            }
            if (clock - waitingSince < now.flushIntervalSeconds() * 1_000_000_000L) {
                return false;
            }
        }
        AuditTransport to = transport(now);
        if (to == null) {
            throw new IllegalStateException("the policy names no audit destination and agent.yaml no Kafka: events stay in the spool");
        }
        List<String> outcome = to.send(lines);
        for (int i = 0; i < lines.size(); i++) {
            if (outcome.get(i) != null) {
                quarantine(lines.get(i), outcome.get(i));
            }
        }
        persist(end);
        if (lines.size() < now.batchSize()) {
            waitingSince = 0; // everything that waited has left
        }
        if (end >= compactBytes && log.compact(end)) {
            persist(0);
        }
        return true;
    }

    /** Sets a line aside in the quarantine file (whole, durably), counts it and says so; shipping goes on behind it. */
    private void quarantine(String line, String why) throws IOException {
        String entry = Json.compact(Map.of("quarantinedAt", java.time.Instant.now().toString(), "reason", why, "line", line)) + "\n";
        Files.createDirectories(quarantineFile.getParent());
        try (var channel = java.nio.channels.FileChannel.open(quarantineFile, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND)) {
            channel.write(java.nio.ByteBuffer.wrap(entry.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        quarantined.incrementAndGet();
        agentLog.warn("an audit event the audit service cannot take was moved to " + quarantineFile + " (" + why + "); shipping goes on");
    }

    /** Reads up to {@code batchSize} complete lines from the offset; returns the offset after them. */
    private long read(long from, List<String> lines, int batchSize) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.file().toFile(), "r")) {
            long size = file.length();
            if (from >= size) {
                return from;
            }
            file.seek(from);
            byte[] chunk = new byte[(int) Math.min(size - from, 8L * 1024 * 1024)];
            file.readFully(chunk);
            long offset = from;
            int start = 0;
            for (int i = 0; i < chunk.length && lines.size() < batchSize; i++) {
                if (chunk[i] == '\n') {
                    lines.add(new String(chunk, start, i - start, StandardCharsets.UTF_8));
                    offset = from + i + 1;
                    start = i + 1;
                }
            }
            if (lines.isEmpty() && chunk.length == 8 * 1024 * 1024) {
                // a line longer than the read window (an old spool): its head stands for it, and it goes to quarantine
                long end = from + chunk.length;
                file.seek(end);
                for (int b = file.read(); b >= 0 && b != '\n'; b = file.read()) {
                    end++;
                }
                lines.add(new String(chunk, 0, 64 * 1024, StandardCharsets.UTF_8) + "...(a line of " + (end - from) + " bytes)");
                return Math.min(end + 1, size);
            }
            return offset;
        }
    }

    private void persist(long offset) throws IOException {
        Path temp = positionFile.resolveSibling("shipped.offset.tmp");
        Files.writeString(temp, offset + "\n");
        try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, positionFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        position = offset;
        log.shippedUpTo(offset);
    }

    public Status status() {
        String oldest = "";
        List<String> next = new ArrayList<>();
        try {
            read(position, next, 1);
        } catch (IOException e) {
            // the status shows what it can
        }
        if (!next.isEmpty()) {
            Object timestamp = Json.object(next.get(0), new String[1]).orElse(Map.of()).get("timestamp");
            oldest = timestamp == null ? "" : timestamp.toString();
        }
        return new Status(position, log.pendingBytes(), oldest, transport instanceof KafkaTransport kafka ? kafka.lastOffset() : -1, lastError,
                quarantined.get());
    }

    public Map<String, Object> statusMap() {
        Status s = status();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("destination", destination());
        map.put("pendingBytes", s.pendingBytes());
        map.put("oldestUnsent", s.oldestUnsent());
        map.put("lastKafkaOffset", s.lastKafkaOffset());
        map.put("lastError", s.lastError());
        map.put("quarantined", s.quarantined());
        map.put("quarantineFile", quarantineFile.toString());
        return map;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AuditTransport current = transport;
        if (current != null) {
            current.close();
        }
    }
}
