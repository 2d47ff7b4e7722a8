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
}
