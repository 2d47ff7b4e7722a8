package io.ccpolicy.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed audit event against its JSON Schema: the same fields, every shape valid, read back whole, errors that say where. */
class AuditEventTest {

    private static final Instant AT = Instant.parse("2026-12-05T10:15:30Z");

    static AuditEvent toolCall() {
        return AuditEvent.of(AT, "evt_0f8e4d1c-2b3a-4c5d-8e9f-0a1b2c3d4e5f", "PreToolUse",
                new AuditEvent.User("dev@acme.com", List.of("payments"), "engineering"),
                new AuditEvent.Machine("machine_abc123", "laptop", "Linux 6.1"),
                new AuditEvent.Session("sess-1", "/home/dev/app", "app"),
                new AuditEvent.Action("tool_execution", "Bash", Map.of("command", "rm -rf build"), "denied"),
                new AuditEvent.PolicyCheck(List.of("no-rm"), "violated", List.of(new AuditEvent.Violation("no-rm", "error", "enforce", "deny",
                        "deny", "rm -rf", "rm -rf is not allowed", null))),
                new AuditEvent.DecisionTaken("dec-1", "deny", "deny", List.of(), List.of(), "bundle:7", "ab".repeat(32), 83),
                Map.of("tokenCount", 1200), Map.of("tool_use_id", "toolu_1", "permission_mode", "default"));
    }

    static AuditEvent adminChange() {
        return AuditEvent.of(AT, "evt_1f8e4d1c-2b3a-4c5d-8e9f-0a1b2c3d4e5f", "AdminChange", new AuditEvent.User("pat@acme.com", null, null),
                new AuditEvent.Machine("service:policy-service", null, null), null,
                new AuditEvent.Action("policy_change", "policy_published", null, "recorded"), null, null, null, Map.of())
                .withChange(Map.of("revision", 4));
    }

    @Test
    void theSchemaDescribesExactlyTheRecordsFields() throws Exception {
        assertThat(((Map<?, ?>) SchemaCheck.auditEventSchema().get("properties")).keySet().stream().map(String::valueOf).toList()).containsExactlyInAnyOrderElementsOf(AuditEvent.FIELDS);
    }

    @Test
    void everyShapeIsValidAgainstTheSchemaOnceSealedAndReadsBackWhole() throws Exception {
        for (AuditEvent event : List.of(toolCall(), adminChange(), toolCall().withError("payload was not JSON"))) {
            Map<String, Object> sealed = AuditChain.seal(event.toMap(), AuditChain.Head.START);
            assertThat(SchemaCheck.problems(SchemaCheck.auditEventSchema(), sealed)).as(sealed.toString()).isEmpty();
            AuditEvent read = AuditEvent.fromMap(sealed);
            assertThat(read.toMap()).isEqualTo(sealed);
            assertThat(AuditChain.hash(read.toMap())).isEqualTo(sealed.get("hash"));
        }
        assertThat(AuditEvent.fromMap(toolCall().toMap()).standingViolations()).extracting(AuditEvent.Violation::policy).containsExactly("no-rm");
    }

    @Test
    void aFieldThisVersionDoesNotKnowIsKeptSoTheHashStillHolds() {
        Map<String, Object> newer = new LinkedHashMap<>(AuditChain.seal(toolCall().toMap(), AuditChain.Head.START));
        newer.remove("hash");
        newer.put("attestation", Map.of("by", "tpm"));
        newer.put("hash", AuditChain.hash(newer));
        AuditEvent read = AuditEvent.fromMap(newer);
        assertThat(read.extra()).containsEntry("attestation", Map.of("by", "tpm"));
        assertThat(AuditChain.hash(read.toMap())).isEqualTo(newer.get("hash"));
    }

    @Test
    void aMissingKeyIsNamedByItsPointerAndAMistypedFieldIsLeftOut() {
        Map<String, Object> event = new LinkedHashMap<>(toolCall().toMap());
        event.put("machine", Map.of("hostname", "laptop"));
        assertThatThrownBy(() -> AuditEvent.fromMap(event)).hasMessage("/machine/id is missing or not a non-empty string");
        event.put("machine", Map.of("id", "m"));
        event.put("timestamp", "yesterday");
        assertThatThrownBy(() -> AuditEvent.fromMap(event)).hasMessage("/timestamp is not an ISO-8601 instant: yesterday");
        event.put("timestamp", AT.toString());
        event.put("action", Map.of("tool", "Bash"));
        assertThatThrownBy(() -> AuditEvent.fromMap(event)).hasMessage("/action/type is missing or not a non-empty string");
        event.put("action", Map.of("type", "tool_execution"));
        event.put("policyCheck", Map.of("policies", List.of(), "violations", List.of("no-rm")));
        event.put("decision", Map.of("verdict", "deny", "policyRevision", 42));
        AuditEvent mistyped = AuditEvent.fromMap(event);
        assertThat(mistyped.verdict()).as("a field of the wrong type is left out, the event kept").isEqualTo("deny");
        assertThat(mistyped.decision().policyRevision()).isNull();
        assertThat(mistyped.standingViolations()).isEmpty();
        event.remove("policyCheck");
        event.remove("user");
        assertThat(AuditEvent.fromMap(event).email()).as("an event without an identity is kept, and reads as such").isEmpty();
    }
}
