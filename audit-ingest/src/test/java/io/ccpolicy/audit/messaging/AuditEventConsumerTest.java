package io.ccpolicy.audit.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** The batch settings an operator sets are checked at start, naming the key, instead of stalling or killing a consumer. */
class AuditEventConsumerTest {

    @Test
    void theDefaultsBecomeTheFetchSettings() {
        assertThat(AuditEventConsumer.batchFetch(1_048_576, Duration.ofMillis(250)))
                .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1_048_576).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 250);
        assertThat(AuditEventConsumer.batchFetch(1, Duration.ZERO)).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 0);
    }

    @Test
    void aLingerPastTheRequestTimeoutIsRefused() {
        // "5m" reads like a batching interval, but every fetch would time out and the trail would stall
        assertThatThrownBy(() -> AuditEventConsumer.batchFetch(1_048_576, Duration.ofMinutes(5)))
                .hasMessage("audit-ingest.consumer.batch-linger is PT5M; it must be between 0 and 10s (the longest a quiet trail's event waits for a batch)");
        assertThatThrownBy(() -> AuditEventConsumer.batchFetch(1_048_576, Duration.ofMillis(-1)))
                .hasMessageStartingWith("audit-ingest.consumer.batch-linger is PT-0.001S");
    }

    @Test
    void aThresholdBelowOneByteIsRefused() {
        assertThatThrownBy(() -> AuditEventConsumer.batchFetch(0, Duration.ofMillis(250)))
                .hasMessage("audit-ingest.consumer.batch-min-bytes is 0; it must be at least 1 (bytes)");
    }
}
