package io.ccpolicy.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.MachineKey;
import io.ccpolicy.engine.audit.AuditChain;
import io.ccpolicy.engine.sign.Ed25519;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hash chain alone can be rebuilt by whoever writes the spool; with the enrolled keys, verify-audit names what was
 * not signed by the machine's key.
 */
class VerifyAuditSignaturesTest {

    @TempDir
    Path state;

    private String run(int exitCode, String... args) throws UsageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyAuditCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isEqualTo(exitCode);
        return text;
    }

    @Test
    void aChainRebuiltWithoutTheMachinesKeyIsNamed() throws Exception {
        MachineKey key = MachineKey.load(state);
        try (AuditSpool audit = new AuditSpool(state)) {
            audit.signWith(key);
            for (int i = 0; i < 3; i++) {
                audit.append(new LinkedHashMap<>(Map.of("version", "1.0", "timestamp", "2026-12-05T10:00:0" + i + "Z", "eventId", "evt_" + i,
                        "machine", Map.of("id", "m-1"), "user", Map.of("email", "bob@acme.com"),
                        "action", Map.of("type", "tool_execution", "tool", "Bash", "result", i == 1 ? "denied" : "allowed"))));
            }
        }
        Path spool = state.resolve("audit/events.jsonl");
        Path enrolments = Files.writeString(state.resolve("enrolments.json"), Json.compact(List.of(Map.of("machineId", "m-1",
                "publicKey", key.publicKeyPem(), "email", "bob@acme.com"))));
        assertThat(run(0, spool.toString(), "--enrolments", enrolments.toString())).contains("verified");

        // rewrite the denial as allowed and re-seal the whole chain: the chain verifies, the signatures do not
        List<Map<String, Object>> rebuilt = new ArrayList<>();
        AuditChain.Head head = AuditChain.Head.START;
        for (String line : Files.readAllLines(spool)) {
            Map<String, Object> event = new LinkedHashMap<>(Json.object(line, new String[1]).orElseThrow());
            event.remove("signature");
            if ("evt_1".equals(event.get("eventId"))) {
                event.put("action", Map.of("type", "tool_execution", "tool", "Bash", "result", "allowed"));
            }
            Map<String, Object> sealed = AuditChain.seal(event, head);
            head = AuditChain.headOf(sealed);
            rebuilt.add(sealed);
        }
        Files.write(spool, rebuilt.stream().map(Json::compact).toList());
        assertThat(run(0, spool.toString())).as("without the keys, a rebuilt chain looks intact").contains("verified");
        assertThat(run(1, spool.toString(), "--enrolments", enrolments.toString())).contains("(evt_1): is not signed");

        Path other = Files.writeString(state.resolve("other.json"), Json.compact(List.of(Map.of("machineId", "m-2",
                "publicKey", Ed25519.publicKeyPem(Ed25519.generate().getPublic())))));
        assertThat(run(1, spool.toString(), "--enrolments", other.toString())).contains("machine m-1 is not in the enrolments");
    }
}
