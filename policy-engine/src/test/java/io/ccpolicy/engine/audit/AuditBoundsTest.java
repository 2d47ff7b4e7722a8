package io.ccpolicy.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditBoundsTest {

    @Test
    void controlCharactersBecomeVisibleTextAndNulNeverReachesTheStore() {
        Map<String, Object> bounded = AuditBounds.bounded(Map.of("session", Map.of("id", "s\u0000x\u0007"), "tool\u0000key", "v",
                "list", List.of("a\u001bb", "tab\there")));
        assertThat(bounded.toString()).doesNotContain("\u0000").doesNotContain("\u0007").doesNotContain("\u001b");
        assertThat(((Map<?, ?>) bounded.get("session")).get("id")).isEqualTo("s\\u0000x\\u0007");
        assertThat(bounded).containsKey("tool\\u0000key").doesNotContainKey("truncated");
        assertThat(bounded.get("list")).isEqualTo(List.of("a\\u001bb", "tab\there"));
    }

    @Test
    void aHugeFieldIsCutAndNamed() {
        Map<String, Object> bounded = AuditBounds.bounded(Map.of("session", Map.of("id", "x".repeat(2_000_000))));
        String id = (String) ((Map<?, ?>) bounded.get("session")).get("id");
        assertThat(id).hasSizeLessThan(AuditBounds.MAX_STRING + 40).endsWith("...(cut: 2000000 chars)");
        assertThat(bounded.get("truncated").toString()).contains("session.id");
    }

    @Test
    void anEventStillTooLargeKeepsItsIdentifyingFields() {
        Map<String, Object> event = new java.util.LinkedHashMap<>();
        event.put("eventId", "evt_1");
        event.put("eventType", "PreToolUse");
        event.put("context", Map.of("many", java.util.Collections.nCopies(200, "y".repeat(8000))));
        Map<String, Object> shrunk = AuditBounds.shrunk(AuditBounds.bounded(event), 1_600_000);
        assertThat(shrunk).containsEntry("eventId", "evt_1").containsEntry("eventType", "PreToolUse").doesNotContainKey("context");
        assertThat(shrunk.get("truncated").toString()).contains("droppedFields=[context]").contains("1600000 characters");
    }
}
