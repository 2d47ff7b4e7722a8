package io.ccpolicy.report.rest.dto;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The dashboard's overview of a window (the guide's dashboard): activity, violations, their trend, anomalies. */
public record Overview(Instant from, Instant to, long activeUsers, long sessions, long violations, long denied, long exceptionsUsed,
        long toolCalls, List<Count> byPolicy, List<Point> trend, List<Violation> recent, List<Anomaly> anomalies) {

    public record Count(String policy, String verdict, long count) {
    }

    public record Point(Instant hour, long events, long violations, long denied) {
    }

    public record Violation(String eventId, Instant at, String user, String tool, String verdict, List<String> policies, String message) {

        /**
         * The audit event's violations: policies that matched and were not exempted (enforced, warned, or shadowed with a
         * would-be verdict other than allow); empty when it has none.
         */
        public static Optional<Violation> of(String eventId, Instant at, JsonNode event) {
            List<String> policies = new ArrayList<>();
            String message = "";
            for (JsonNode v : event.path("policyCheck").path("violations")) {
                if (!"allow".equals(v.path("effect").asText()) || !"allow".equals(v.path("wouldBe").asText())) {
                    policies.add(v.path("policy").asText());
                    message = message.isEmpty() ? v.path("message").asText() : message;
                }
            }
            return policies.isEmpty() ? Optional.empty() : Optional.of(new Violation(eventId, at, event.path("user").path("email").asText(),
                    event.path("action").path("tool").asText(), event.path("decision").path("verdict").asText(), policies, message));
        }
    }
}
