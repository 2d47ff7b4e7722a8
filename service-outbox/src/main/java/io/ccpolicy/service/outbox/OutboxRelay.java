package io.ccpolicy.service.outbox;

import io.ccpolicy.service.kafka.ReliableProducer;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Relays the {@link Outbox} to Kafka in order, marking each record sent only after Kafka acknowledged it. While Kafka
 * is away the records wait in the database; a resend after a crash is harmless (every consumer deduplicates: audit-ingest
 * by eventId, the grant read model by version).
 */
@ApplicationScoped
@IfBuildProperty(name = "ccpolicy.outbox.enabled", stringValue = "true")
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final DataSource dataSource;
    private final KafkaProducer<String, String> producer;

    private final io.micrometer.core.instrument.Counter setAside;

    public OutboxRelay(DataSource dataSource, @Identifier("default-kafka-broker") Map<String, Object> kafka,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.setAside = metrics.counter("outbox.dead.lettered");
        this.producer = new KafkaProducer<>(ReliableProducer.properties(kafka), new StringSerializer(), new StringSerializer());
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relay() {
        try {
            while (QuarkusTransaction.requiringNew().call(this::relayBatch) > 0) {
                // keep going while there is a backlog
            }
        } catch (Exception e) {
            LOG.warnf("records wait in the outbox (Kafka or the database not reachable): %s", e.getMessage());
        }
    }

    /**
     * Sends up to 500 rows and records each row's fate on its own: sent, or set aside with the reason when Kafka can
     * never take it (too large, invalid), so one row never holds up the rows behind it. A row that failed for a passing
     * reason (Kafka away) stays unsent and is tried again.
     */
    private int relayBatch() throws Exception {
        List<Long> ids = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        List<Long> sent = new ArrayList<>();
        int handled = 0;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("select id, topic, record_key, payload from outbox where sent_at is null "
                    + "and failed_at is null order by id limit 500 for update skip locked"); ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getLong(1));
                    acks.add(producer.send(new ProducerRecord<>(r.getString(2), r.getString(3), r.getString(4))));
                }
            }
            Exception passing = null;
            for (int i = 0; i < acks.size(); i++) {
                try {
                    acks.get(i).get(30, TimeUnit.SECONDS);
                    sent.add(ids.get(i));
                    handled++;
                } catch (ExecutionException e) {
                    if (ReliableProducer.neverAccepted(e.getCause())) {
                        setAside(c, ids.get(i), e.getCause());
                        handled++;
                    } else if (passing == null) {
                        passing = e;
                    }
                }
            }
            if (!sent.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("update outbox set sent_at = now() where id = any(?)")) {
                    s.setArray(1, c.createArrayOf("bigint", sent.toArray()));
                    s.executeUpdate();
                }
            }
            if (passing != null && handled == 0) {
                throw passing;
            }
        }
        return handled;
    }

    private void setAside(Connection c, long id, Throwable why) throws java.sql.SQLException {
        String reason = why.getClass().getSimpleName() + ": " + why.getMessage();
        try (PreparedStatement s = c.prepareStatement("update outbox set failed_at = now(), failure = ? where id = ?")) {
            s.setString(1, reason.length() > 2000 ? reason.substring(0, 2000) : reason);
            s.setLong(2, id);
            s.executeUpdate();
        }
        setAside.increment();
        LOG.errorf("outbox row %d can never be sent and is set aside (failed_at, failure): %s; the rows behind it go on", id, reason);
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
