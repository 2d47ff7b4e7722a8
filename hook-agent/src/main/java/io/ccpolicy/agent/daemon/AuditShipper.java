package io.ccpolicy.agent.daemon;

import io.ccpolicy.agent.cli.Json;
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
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Ships the audit spool to Kafka: from the last acknowledged position, in batches, with an idempotent producer
 * ({@code acks=all}, key = machine id). The position moves, and is written to {@code audit/shipped.offset}, only after
 * Kafka acknowledged every record of a batch; while Kafka is unreachable it retries with backoff, and after a restart it
 * resumes from the file. A crash between acknowledgement and the position write resends a batch; audit-ingest is
 * idempotent on eventId, so that costs nothing.
 */
public final class AuditShipper implements AutoCloseable {

    /** What {@code status} shows. */
    public record Status(long shippedBytes, long pendingBytes, String oldestUnsent, long lastKafkaOffset, String lastError, long quarantined) {
    }

    private final AuditLog log;
    private final Path positionFile;
    private final String machineId;
    private final String topic;
    private final int batchSize;
    private final AgentLog agentLog;
    private final Properties producerProperties;
    /** Made by the shipping thread when first needed: a laptop starting offline cannot resolve the brokers yet. */
    private volatile KafkaProducer<String, String> producer;
    private final Thread thread;
    private volatile long position;
    private volatile long lastKafkaOffset = -1;
    private volatile String lastError = "";
    private volatile boolean closed;
    /** Lines Kafka can never take (too large, invalid) are set aside here, so they never block the stream behind them. */
    private final Path quarantineFile;
    private final java.util.concurrent.atomic.AtomicLong quarantined = new java.util.concurrent.atomic.AtomicLong();
    /** Below Kafka's default max.request.size (1 MB) with room for the record's framing. */
    static final int MAX_RECORD_BYTES = 900 * 1024;

    /** Shipped events are deleted once the spool holds this much and all of it is acknowledged. */
    static final long COMPACT_BYTES = 64L * 1024 * 1024;

    private final long compactBytes;

    public AuditShipper(AuditLog log, Path stateDir, AgentConfig agent, int batchSize, AgentLog agentLog) throws IOException {
        this(log, stateDir, agent, batchSize, agentLog, COMPACT_BYTES);
    }

    AuditShipper(AuditLog log, Path stateDir, AgentConfig agent, int batchSize, AgentLog agentLog, long compactBytes) throws IOException {
        this.compactBytes = compactBytes;
        this.log = log;
        this.positionFile = stateDir.resolve("audit/shipped.offset");
        this.quarantineFile = stateDir.resolve("audit/quarantine.jsonl");
        if (Files.isRegularFile(quarantineFile)) {
            try (var lines = Files.lines(quarantineFile)) {
                quarantined.set(lines.count());
            }
        }
        this.machineId = agent.machineId();
        this.topic = agent.shipping().topic();
        this.batchSize = Math.max(1, batchSize);
        this.agentLog = agentLog;
        long saved = Files.isRegularFile(positionFile) ? Long.parseLong(Files.readString(positionFile).trim()) : 0;
        // A position beyond the file means the file was compacted after everything was acknowledged.
        this.position = saved > log.size() ? 0 : saved;
        log.shippedUpTo(position);
        Properties properties = new Properties();
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        properties.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
        if ("OAUTHBEARER".equals(agent.shipping().kafka().get("sasl.mechanism")) && !agent.shipping().kafka().containsKey("sasl.jaas.config")
                && agent.server().enabled()) {
            properties.putAll(DeveloperJwtRetriever.producerProperties(stateDir, agent.server().tokenUrl(), agent.server().signInClient()));
        }
        properties.putAll(agent.shipping().kafka());
        this.producerProperties = properties;
        this.thread = new Thread(this::loop, "audit-shipper");
        this.thread.setDaemon(true);
        this.thread.start();
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
                    agentLog.warn("audit shipping to Kafka failed, events stay in the spool and will be resent: " + error);
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

    /** Sends the next batch and moves the position when all of it is acknowledged; false when nothing was pending. */
    private boolean shipBatch() throws Exception {
        List<String> lines = new ArrayList<>();
        long end = read(position, lines);
        if (lines.isEmpty()) {
            return false;
        }
        if (producer == null) {
            producer = new KafkaProducer<>(producerProperties, new StringSerializer(), new StringSerializer());
        }
        List<Future<RecordMetadata>> acks = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.getBytes(StandardCharsets.UTF_8).length > MAX_RECORD_BYTES) {
                acks.add(null);
                continue;
            }
            Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, machineId, line));
            if (ack.isDone() && !permanentlyRefused(ack)) {
                ack.get(); // a send that failed at once (no metadata: Kafka unreachable) fails the batch now, not after every record
            }
            acks.add(ack);
        }
        producer.flush();
        for (int i = 0; i < acks.size(); i++) {
            Future<RecordMetadata> ack = acks.get(i);
            if (ack == null) {
                quarantine(lines.get(i), "larger than a Kafka record may be (" + MAX_RECORD_BYTES + " bytes)");
            } else if (permanentlyRefused(ack)) {
                quarantine(lines.get(i), "Kafka refused it: " + cause(ack));
            } else {
                lastKafkaOffset = ack.get().offset();
            }
        }
        persist(end);
        if (end >= compactBytes && log.compact(end)) {
            persist(0);
        }
        return true;
    }

    /** A record Kafka will never take, however often it is sent: it must not hold up the stream behind it. */
    private static boolean permanentlyRefused(Future<RecordMetadata> ack) {
        if (!ack.isDone()) {
            return false;
        }
        try {
            ack.get();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause() instanceof org.apache.kafka.common.errors.RecordTooLargeException
                    || e.getCause() instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException
                    || e.getCause() instanceof org.apache.kafka.common.InvalidRecordException
                    || e.getCause() instanceof org.apache.kafka.common.errors.SerializationException;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String cause(Future<RecordMetadata> ack) {
        try {
            ack.get();
            return "";
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }
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
        agentLog.warn("an audit event Kafka cannot take was moved to " + quarantineFile + " (" + why + "); shipping goes on");
    }

    /** Reads up to batchSize complete lines from the offset; returns the offset after them. */
    private long read(long from, List<String> lines) throws IOException {
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
            read(position, next);
        } catch (IOException e) {
            // the status shows what it can
        }
        if (!next.isEmpty()) {
            Object timestamp = Json.object(next.get(0), new String[1]).orElse(Map.of()).get("timestamp");
            oldest = timestamp == null ? "" : timestamp.toString();
        }
        return new Status(position, log.pendingBytes(), oldest, lastKafkaOffset, lastError, quarantined.get());
    }

    public Map<String, Object> statusMap() {
        Status s = status();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("topic", topic);
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
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
