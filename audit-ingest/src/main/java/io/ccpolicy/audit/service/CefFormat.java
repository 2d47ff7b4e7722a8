package io.ccpolicy.audit.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccpolicy.audit.rest.dto.AuditEventView;
import java.util.ArrayList;
import java.util.List;

/** ArcSight Common Event Format lines for SIEMs that want CEF rather than JSON. */
public final class CefFormat {

    private CefFormat() {
    }

    public static String line(AuditEventView view) {
        JsonNode event = view.event();
        String verdict = event.path("decision").path("verdict").asText("");
        int severity = switch (verdict) {
            case "deny" -> 8;
            case "ask" -> 6;
            case "warn" -> 5;
            default -> 3;
        };
        List<String> policies = new ArrayList<>();
        event.path("policyCheck").path("policies").forEach(p -> policies.add(p.asText()));
        String name = event.path("action").path("type").asText(view.eventType()) + " " + event.path("action").path("result").asText("");
        return "CEF:0|ccpolicy|hook-agent|1.0|" + header(event.path("eventType").asText(view.eventType())) + "|" + header(name.trim()) + "|"
                + severity + "|rt=" + view.occurredAt().toEpochMilli()
                + " externalId=" + extension(view.eventId())
                + " suser=" + extension(event.path("user").path("email").asText(""))
                + " shost=" + extension(view.machineId())
                + " act=" + extension(verdict)
                + " cs1Label=policies cs1=" + extension(String.join(",", policies))
                + " cs2Label=tool cs2=" + extension(event.path("action").path("tool").asText(""))
                + " cs3Label=session cs3=" + extension(event.path("session").path("id").asText(""));
    }

    /** Header fields escape '\\' and '|'; a line break of any kind (CR too) would start a forged record, so it becomes a space. */
    private static String header(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private static String extension(String text) {
        return text.replace("\\", "\\\\").replace("=", "\\=").replace("\n", "\\n").replace("\r", "\\r");
    }
}
