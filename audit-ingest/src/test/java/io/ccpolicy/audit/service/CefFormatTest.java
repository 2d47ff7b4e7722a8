package io.ccpolicy.audit.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.rest.dto.AuditEventView;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A CEF line is one record whatever an event's fields hold: no CR or LF survives to forge a second one. */
class CefFormatTest {

    @Test
    void carriageReturnsAndLineFeedsCannotForgeARecord() throws Exception {
        var event = new ObjectMapper().readTree("""
                {"eventId": "evt_1", "timestamp": "2026-12-05T10:00:00Z", "machine": {"id": "m-1"},
                 "eventType": "PreToolUse\\r\\nCEF:0|forged|x", "action": {"type": "tool_execution\\r", "result": "allowed", "tool": "Bash\\r\\nx"},
                 "user": {"email": "bob@acme.com\\rCEF:0|forged"}, "decision": {"verdict": "allow"}, "session": {"id": "s\\n1"}}
                """);
        String line = CefFormat.line(new AuditEventView("evt_1", "m-1", "PreToolUse", Instant.EPOCH, Instant.EPOCH,
                "machine m-1 is not enrolled, and the event is not signed", event));

        assertThat(line).doesNotContain("\r").doesNotContain("\n").startsWith("CEF:0|ccpolicy|hook-agent|1.0|PreToolUse  CEF:0\\|forged\\|x|");
        assertThat(line).contains("suser=bob@acme.com\\rCEF:0|forged").contains("cs2=Bash\\r\\nx")
                .endsWith(" cs4Label=unverified cs4=machine m-1 is not enrolled, and the event is not signed");
    }

    @Test
    void anAdministrativeEventIsLabelledWithItsServiceAndWhatWasDone() throws Exception {
        var event = new ObjectMapper().readTree("""
                {"eventId": "evt_2", "timestamp": "2026-12-05T10:00:00Z", "machine": {"id": "service:policy-service"},
                 "eventType": "policy_change", "action": {"type": "policy_change", "tool": "policy_published", "result": "recorded"},
                 "user": {"email": "admin@acme.com"}}
                """);
        String line = CefFormat.line(new AuditEventView("evt_2", "service:policy-service", "policy_change", Instant.EPOCH, Instant.EPOCH,
                null, event));
        assertThat(line).startsWith("CEF:0|ccpolicy|policy-service|1.0|policy_change|").contains(" act=policy_published ")
                .contains("suser=admin@acme.com").as("its origin is proven").doesNotContain("cs4");
    }
}
