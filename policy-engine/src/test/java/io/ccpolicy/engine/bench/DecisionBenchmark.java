package io.ccpolicy.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.engine.ConfigurationSnapshot;
import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.model.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One PreToolUse decision against the guide's policy, 100 and 1,000 policies, beside the baseline every host pays anyway:
 * parsing the same hook payload JSON. Real payloads captured from Claude Code (Bash and Write).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionBenchmark {

    @Param({"PreToolUse.Bash.json", "PreToolUse.Write.json"})
    public String payload;

    private final ObjectMapper json = new ObjectMapper();
    private String payloadText;
    private DecisionRequest request;
    private PolicyEngine guide;
    private PolicyEngine hundred;
    private PolicyEngine thousand;

    @Setup
    public void setUp() throws Exception {
        payloadText = resource("/payloads/" + payload);
        @SuppressWarnings("unchecked")
        Map<String, Object> event = json.readValue(payloadText, Map.class);
        request = new DecisionRequest(HookEvent.of(event), Identity.of("dev@acme.com", "team-7"), "acme-app", new SessionState(12_000),
                ConfigurationSnapshot.NONE, "/home/dev");
        AtomicLong ids = new AtomicLong();
        guide = PolicyEngine.compile(io.ccpolicy.engine.parse.PolicyParser.parse("guide", resource("/conformance/guide-policy.yaml")),
                "1", Clock.systemUTC(), () -> Long.toString(ids.incrementAndGet()));
        hundred = PolicyEngine.compile(io.ccpolicy.engine.parse.PolicyParser.parse("100", SyntheticPolicies.document(100)), "1",
                Clock.systemUTC(), () -> Long.toString(ids.incrementAndGet()));
        thousand = PolicyEngine.compile(io.ccpolicy.engine.parse.PolicyParser.parse("1000", SyntheticPolicies.document(1000)), "1",
                Clock.systemUTC(), () -> Long.toString(ids.incrementAndGet()));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DecisionBenchmark.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Benchmark
    public Object baselineParsePayloadJson() throws IOException {
        return json.readValue(payloadText, Map.class);
    }

    @Benchmark
    public Decision decideGuidePolicy() {
        return guide.evaluate(request);
    }

    @Benchmark
    public Decision decide100Policies() {
        return hundred.evaluate(request);
    }

    @Benchmark
    public Decision decide1000Policies() {
        return thousand.evaluate(request);
    }
}
