package io.ccpolicy.agent.audit;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.engine.model.AuditSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sends the spool's batches to the policy's {@code audit.destination} (audit-ingest over HTTPS) or to the Kafka
 * agent.yaml names, and tells the spool what became of each: acknowledged, or set aside when the destination can never
 * take a line. While the destination is unreachable it retries with backoff. The spool ({@link AuditSpool}) keeps all
 * the state: position, quarantine, compaction.
 *
 * <p>The cadence is the policy's, read again before every batch (so a policy reload changes it): a batch leaves once
 * {@code batch_size} events wait, or once the oldest has waited {@code flush_interval} seconds. Waiting costs no
 * durability: every event is already fsynced in the spool.
 */
public final class AuditShipper implements AutoCloseable {

    /** What {@code status} shows. */
    public record Status(long shippedBytes, long pendingBytes, String oldestUnsent, long lastKafkaOffset, String lastError, long quarantined) {
    }

    private final AuditSpool spool;
    private final AgentConfig agent;
    private final Path stateDir;
    private final Supplier<AuditSettings> settings;
    private final Supplier<String> token;
    private final AgentLog agentLog;
    private final Thread thread;
    private volatile String lastError = "";
    private volatile boolean closed;
    /** The transport of the current destination; replaced (and the old one closed) when the policy names another. */
    private volatile AuditTransport transport;
    /** When the shipper first saw the events now waiting (System.nanoTime), 0 when none wait. */
    private long waitingSince;

    /**
     * {@code settings}: the policy's audit section as it is now; {@code token}: the bearer token for an HTTPS destination
     * (the signed-in developer's or the machine's).
     */
    public AuditShipper(AuditSpool spool, Path stateDir, AgentConfig agent, Supplier<AuditSettings> settings, Supplier<String> token,
            AgentLog agentLog) throws IOException {
        this.spool = spool;
        this.agent = agent;
        this.stateDir = stateDir;
        this.settings = settings;
        this.token = token;
        this.agentLog = agentLog;
        spool.startShipping();
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

    /** Sends the next batch when it is due and acknowledges it when all of it is taken; false when none was sent. */
    private boolean shipBatch() throws Exception {
        AuditSettings now = settings.get();
        AuditSpool.Batch batch = spool.next(now.batchSize());
        List<String> lines = batch.lines();
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
                spool.setAside(lines.get(i), outcome.get(i));
                agentLog.warn("an audit event the audit service cannot take was moved to " + spool.quarantineFile() + " (" + outcome.get(i)
                        + "); shipping goes on");
            }
        }
        spool.acknowledge(batch);
        if (lines.size() < now.batchSize()) {
            waitingSince = 0; // everything that waited has left
        }
        return true;
    }

    public Status status() {
        return new Status(spool.acknowledged(), spool.pendingBytes(), spool.oldestUnsent(),
                transport instanceof KafkaTransport kafka ? kafka.lastOffset() : -1, lastError, spool.quarantined());
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
        map.put("quarantineFile", spool.quarantineFile().toString());
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
