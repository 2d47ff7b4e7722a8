package io.ccpolicy.agent.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;
import java.util.Optional;

/** JSON for the agent: hook payloads in, reports out. Limits guard against hostile payloads. */
public final class Json {

    public static final ObjectMapper MAPPER = mapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private Json() {
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                .maxStringLength(8 * 1024 * 1024).build());
        mapper.enable(SerializationFeature.INDENT_OUTPUT);
        return mapper;
    }

    /** A JSON object, or empty with {@code problem[0]} saying what is wrong (line and column included). */
    public static Optional<Map<String, Object>> object(String text, String[] problem) {
        try {
            Object value = MAPPER.readValue(text, Object.class);
            if (value instanceof Map<?, ?>) {
                return Optional.of(MAPPER.convertValue(value, OBJECT));
            }
            problem[0] = "expected a JSON object";
        } catch (JsonProcessingException e) {
            problem[0] = "not valid JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + ": " + e.getOriginalMessage();
        }
        return Optional.empty();
    }

    private static final ObjectMapper COMPACT = new ObjectMapper();

    /** One line of JSON (audit records, hook answers). */
    public static String compact(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass(), e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass(), e);
        }
    }
}
