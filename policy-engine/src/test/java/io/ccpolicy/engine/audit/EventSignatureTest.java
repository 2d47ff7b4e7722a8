package io.ccpolicy.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.sign.Ed25519;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSignatureTest {

    private final KeyPair machine = Ed25519.generate();

    @Test
    void aSignedEventVerifiesAndKeepsItsPlaceInTheChain() throws Exception {
        Map<String, Object> first = EventSignature.sign(AuditChain.seal(AuditEventTest.toolCall().toMap(), AuditChain.Head.START), machine.getPrivate());
        Map<String, Object> second = EventSignature.sign(AuditChain.seal(AuditEventTest.adminChange().toMap(), AuditChain.headOf(first)),
                machine.getPrivate());
        assertThat(EventSignature.problem(first, machine.getPublic())).isEmpty();
        assertThat(AuditChain.verify(List.of(first, second), AuditChain.Head.START)).as("the signature is outside the hash").isEmpty();
        assertThat(SchemaCheck.problems(SchemaCheck.auditEventSchema(), first)).isEmpty();
        assertThat(AuditEvent.fromMap(first).toMap()).isEqualTo(first);
    }

    @Test
    void forgeriesAreNamed() {
        Map<String, Object> signed = EventSignature.sign(AuditChain.seal(AuditEventTest.toolCall().toMap(), AuditChain.Head.START), machine.getPrivate());
        assertThat(EventSignature.problem(signed, Ed25519.generate().getPublic())).get().asString().contains("key");

        Map<String, Object> altered = new LinkedHashMap<>(signed);
        altered.put("eventType", "PostToolUse");
        assertThat(EventSignature.problem(altered, machine.getPublic())).contains("content does not match its hash (altered)");

        Map<String, Object> rebuilt = AuditChain.seal(altered, AuditChain.Head.START); // chain rebuilt without the key
        assertThat(EventSignature.problem(rebuilt, machine.getPublic())).contains("is not signed");
        Map<String, Object> resigned = new LinkedHashMap<>(rebuilt);
        resigned.put(EventSignature.FIELD, signed.get(EventSignature.FIELD)); // the old signature on the new hash
        assertThat(EventSignature.problem(resigned, machine.getPublic())).get().asString().contains("signature does not verify");
    }
}
