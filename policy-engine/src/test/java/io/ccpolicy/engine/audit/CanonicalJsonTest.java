package io.ccpolicy.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes every party hashes: a change here breaks every stored chain, so the form is pinned byte for byte. */
class CanonicalJsonTest {

    @Test
    void keysAreSortedAtEveryLevelAndStringsEscapedMinimally() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("zeta", List.of(1, 2.5, true));
        inner.put("alpha", null);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("hash", "left out");
        event.put("b", "ünï \"quoted\" \\ line\nnext\u0001");
        event.put("a", inner);
        event.put("B", 12345678901L);
        assertThat(CanonicalJson.writeWithout(event, "hash"))
                .isEqualTo("{\"B\":12345678901,\"a\":{\"alpha\":null,\"zeta\":[1,2.5,true]},\"b\":\"ünï \\\"quoted\\\" \\\\ line\\nnext\\u0001\"}");
        assertThat(CanonicalJson.write(event)).startsWith("{\"B\":12345678901,").contains(",\"hash\":\"left out\"}");
    }

    @Test
    void keysThatReadTheSameKeepTheLaterValue() {
        Map<Object, Object> mixed = new LinkedHashMap<>();
        mixed.put(1, "number");
        mixed.put("1", "string");
        assertThat(CanonicalJson.write(mixed)).isEqualTo("{\"1\":\"string\"}");
    }

    @Test
    void everyExcludedKeyIsLeftOutAtTheTopLevelOnly() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("signature", "sig");
        event.put("hash", "h");
        event.put("nested", Map.of("hash", "kept"));
        assertThat(CanonicalJson.writeWithout(event, "hash", "signature")).isEqualTo("{\"nested\":{\"hash\":\"kept\"}}");
    }

    @Test
    void aSignedEventHashesAsItsUnsignedSelf() {
        Map<String, Object> event = new LinkedHashMap<>(Map.of("eventId", "evt_1", "seq", 1, "prev_hash", "0".repeat(64)));
        String unsigned = AuditChain.hash(event);
        event.put(EventSignature.FIELD, "sig");
        event.put("hash", unsigned);
        assertThat(AuditChain.hash(event)).isEqualTo(unsigned).isEqualTo(Sha256.hex(CanonicalJson.write(Map.of("eventId", "evt_1", "seq", 1,
                "prev_hash", "0".repeat(64)))));
    }
}
