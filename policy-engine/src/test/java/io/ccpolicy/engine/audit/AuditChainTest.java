package io.ccpolicy.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static List<Map<String, Object>> chain(int n) {
        List<Map<String, Object>> events = new ArrayList<>();
        AuditChain.Head head = AuditChain.Head.START;
        for (int i = 0; i < n; i++) {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("eventId", "evt_" + i);
            event.put("action", Map.of("type", "tool_execution", "tool", "Bash"));
            event.put("latency", 1.50);
            Map<String, Object> sealed = AuditChain.seal(event, head);
            head = AuditChain.headOf(sealed);
            events.add(sealed);
        }
        return events;
    }

    @Test
    void anIntactChainVerifies() {
        List<Map<String, Object>> events = chain(5);
        assertThat(events.get(0)).containsEntry("seq", 1L).containsEntry("prev_hash", AuditChain.GENESIS);
        assertThat(events.get(1).get("prev_hash")).isEqualTo(events.get(0).get("hash"));
        assertThat(AuditChain.verify(events, AuditChain.Head.START)).isEmpty();
    }

    @Test
    void alteredRemovedAndReorderedEventsAreEachNamed() {
        List<Map<String, Object>> altered = chain(5);
        Map<String, Object> changed = new LinkedHashMap<>(altered.get(2));
        changed.put("action", Map.of("type", "tool_execution", "tool", "Read"));
        altered.set(2, changed);
        assertThat(AuditChain.verify(altered, AuditChain.Head.START)).extracting(Object::toString)
                .containsExactly("event 3 (evt_2): content does not match its hash (altered)");

        List<Map<String, Object>> removed = chain(5);
        removed.remove(1);
        assertThat(AuditChain.verify(removed, AuditChain.Head.START)).extracting(Object::toString)
                .containsExactly("event 2 (evt_2): seq 3 follows 1: 1 event(s) missing (removed)");

        List<Map<String, Object>> reordered = chain(5);
        Map<String, Object> third = reordered.remove(2);
        reordered.add(3, third);
        assertThat(AuditChain.verify(reordered, AuditChain.Head.START)).extracting(Object::toString).containsExactly(
                "event 3 (evt_3): seq 4 follows 2: 1 event(s) missing (removed)",
                "event 4 (evt_2): seq 3 after 4 (reordered or replayed)");
    }

    @Test
    void canonicalFormIgnoresKeyOrderAndNumberSpelling() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("b", 2);
        a.put("a", List.of("x\"y", 1.50));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("a", List.of("x\"y", 1.5));
        b.put("b", 2L);
        assertThat(CanonicalJson.write(a)).isEqualTo(CanonicalJson.write(b)).isEqualTo("{\"a\":[\"x\\\"y\",1.5],\"b\":2}");
        assertThat(AuditChain.hash(a)).isEqualTo(AuditChain.hash(b));
    }

    @Test
    void theSchemaRequiresTheChainFields() throws Exception {
        Map<String, Object> schema = SchemaCheck.auditEventSchema();
        assertThat(SchemaCheck.problems(schema, Map.of("version", "1.0"))).contains("$: missing seq", "$: missing hash", "$: missing eventId");
    }

    @Test
    void theHashIsTheSha256OfTheCanonicalFormWithoutTheHashField() {
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("seq", 1);
        event.put("hash", "anything");
        event.put("user", Map.of("email", "dev@acme.com", "teams", List.of("b\u00e9", "a\n")));
        event.put("eventId", "evt_1");
        assertThat(AuditChain.hash(event)).isEqualTo(Sha256.hex("{\"eventId\":\"evt_1\",\"seq\":1,\"user\":{\"email\":\"dev@acme.com\",\"teams\":[\"b\u00e9\",\"a\\n\"]}}"));
        assertThat(event).containsKey("hash");
    }
}
