package io.ccpolicy.audit.service;

import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.audit.AuditChain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** A machine's chained (unsigned) tool-execution events sent to audit.events.v1 as an agent writes them. */
final class ChainedEvents {

    private ChainedEvents() {
    }

    /** Sends {@code count} events of {@code machine} by {@code email} stamped {@code at}; returns their ids in chain order. */
    static List<String> send(String bootstrap, String machine, String email, Instant at, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            AuditChain.Head head = AuditChain.Head.START;
            for (int i = 0; i < count; i++) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("version", "1.0");
                event.put("timestamp", at.toString());
                event.put("eventId", "evt_" + UUID.randomUUID());
                event.put("user", Map.of("email", email));
                event.put("machine", Map.of("id", machine));
                event.put("action", Map.of("type", "tool_execution", "tool", "Bash"));
                Map<String, Object> sealed = AuditChain.seal(event, head);
                head = AuditChain.headOf(sealed);
                ids.add((String) sealed.get("eventId"));
                producer.send(new ProducerRecord<>("audit.events.v1", machine, Json.compact(sealed))).get();
            }
        }
        return ids;
    }
}
