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
 * One PreToolUse decision against the guide's policy, the red-team policy (path, read, host and command rules), 100 and
 * 1,000 policies, beside the baseline every host pays anyway: parsing the same hook payload JSON. Real payloads captured
 * from Claude Code (Bash and Write), and two everyday Bash commands laid into the captured Bash payload.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionBenchmark {

    /** A captured payload, or "Bash:" and a command laid into the captured Bash payload. */
    @Param({"PreToolUse.Bash.json", "PreToolUse.Write.json", "Bash:cd frontend && npm ci 2>/dev/null && npm test 2>&1 | tee test.log",
            "Bash:for f in src/*.ts; do sed -i 's/var /let /' \"$f\"; done; git add -A && git commit -m 'use let'"})
    public String payload;

    private final ObjectMapper json = new ObjectMapper();
    private String payloadText;
    private DecisionRequest request;
    private PolicyEngine guide;
    private PolicyEngine redTeam;
    private PolicyEngine hundred;
    private PolicyEngine thousand;

    @Setup
    public void setUp() throws Exception {
        payloadText = payload.startsWith("Bash:") ? withCommand(resource("/payloads/PreToolUse.Bash.json"), payload.substring(5))
                : resource("/payloads/" + payload);
        @SuppressWarnings("unchecked")
        Map<String, Object> event = json.readValue(payloadText, Map.class);
        request = new DecisionRequest(HookEvent.of(event), Identity.of("dev@acme.com", "team-7"), "acme-app", SessionState.total(12_000),
                ConfigurationSnapshot.NONE, "/home/dev");
        AtomicLong ids = new AtomicLong();
        guide = PolicyEngine.compile(io.ccpolicy.engine.parse.PolicyParser.parse("guide", resource("/conformance/guide-policy.yaml")),
                "1", Clock.systemUTC(), () -> Long.toString(ids.incrementAndGet()));
        redTeam = PolicyEngine.compile(io.ccpolicy.engine.parse.PolicyParser.parse("red-team", resource("/conformance/bash-policy.yaml")),
                "1", Clock.systemUTC(), () -> Long.toString(ids.incrementAndGet()));
        hundred = PolicyEngine.compile(io.ccpolicy.engine.parse.PolicyParser.parse("100", SyntheticPolicies.document(100)), "1",
                Clock.systemUTC(), () -> Long.toString(ids.incrementAndGet()));
        thousand = PolicyEngine.compile(io.ccpolicy.engine.parse.PolicyParser.parse("1000", SyntheticPolicies.document(1000)), "1",
                Clock.systemUTC(), () -> Long.toString(ids.incrementAndGet()));
    }

    private String withCommand(String bashPayload, String command) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> event = json.readValue(bashPayload, Map.class);
        event.put("tool_input", Map.of("command", command, "description", "bench"));
        return json.writeValueAsString(event);
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

    /** The red-team policy: a writePath allowlist, secret reads, approved hosts: every shell target is judged. */
    @Benchmark
    public Decision decideRedTeamPolicy() {
        return redTeam.evaluate(request);
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
