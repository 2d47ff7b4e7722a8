package io.ccpolicy.audit.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.audit.rest.dto.AuditEventView;
import io.ccpolicy.engine.audit.AuditEvent;
import java.util.Map;

/** ArcSight Common Event Format lines for SIEMs that want CEF rather than JSON. */
public final class CefFormat {

    /** Only turns a stored JSON tree into maps; no configuration of the application's mapper applies. */
    private static final ObjectMapper TREES = new ObjectMapper();

    private CefFormat() {
    }

    public static String line(AuditEventView view) {
        AuditEvent event;
        try {
            event = AuditEvent.fromMap(TREES.convertValue(view.event(), Map.class));
        } catch (IllegalArgumentException e) {
            // stored before its fields were checked as strictly: still one line, saying why it is bare
            return "CEF:0|ccpolicy|hook-agent|1.0|" + header(view.eventType()) + "|unreadable audit event|5|rt=" + view.occurredAt().toEpochMilli()
                    + " externalId=" + extension(view.eventId()) + " shost=" + extension(view.machineId()) + " msg=" + extension(e.getMessage());
        }
        // An administrative event comes from its service (machine "service:policy-service") and took an action, not a verdict.
        boolean administrative = view.machineId().startsWith("service:");
        String product = administrative ? view.machineId().substring("service:".length()) : "hook-agent";
        String verdict = event.verdict();
        int severity = switch (verdict) {
            case "deny" -> 8;
            case "ask" -> 6;
            case "warn" -> 5;
            default -> 3;
        };
        String result = event.action().result() == null ? "" : event.action().result();
        String name = (event.action().type() + " " + result).trim();
        return "CEF:0|ccpolicy|" + header(product) + "|1.0|" + header(event.eventType() == null ? view.eventType() : event.eventType()) + "|" + header(name)
                + "|" + severity + "|rt=" + view.occurredAt().toEpochMilli()
                + " externalId=" + extension(view.eventId())
                + " suser=" + extension(event.email())
                + " shost=" + extension(view.machineId())
                + " act=" + extension(administrative ? (event.action().tool() == null ? result : event.action().tool()) : verdict)
                + " cs1Label=policies cs1=" + extension(String.join(",", event.policies()))
                + " cs2Label=tool cs2=" + extension(event.action().tool() == null ? "" : event.action().tool())
                + " cs3Label=session cs3=" + extension(event.session() == null || event.session().id() == null ? "" : event.session().id())
                // a SIEM must be able to tell an event whose origin is not proven from one whose origin is
                + (view.unverified() == null ? "" : " cs4Label=unverified cs4=" + extension(view.unverified()));
    }

    /** Header fields escape '\\' and '|'; a line break of any kind (CR too) would start a forged record, so it becomes a space. */
    private static String header(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    private static String extension(String text) {
        return text.replace("\\", "\\\\").replace("=", "\\=").replace("\n", "\\n").replace("\r", "\\r");
    }
}
