package io.ccpolicy.engine.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A granted exemption from some policies for one user, team or project. {@code expires} empty means permanent; a
 * date-only expiry in the document means the end of that day, UTC.
 */
public record PolicyException(
        String id,
        Scope scope,
        String subject,
        List<String> exemptFrom,
        String reason,
        String approvedBy,
        Optional<Instant> expires) {

    public enum Scope {
        USER("user"), TEAM("team"), PROJECT("project");

        private final String yaml;

        Scope(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    public PolicyException {
        exemptFrom = List.copyOf(exemptFrom);
    }

    public boolean concerns(Identity identity, String project) {
        return switch (scope) {
            case USER -> subject.equalsIgnoreCase(identity.email());
            case TEAM -> identity.inTeam(subject);
            case PROJECT -> subject.equals(project);
        };
    }

    public boolean isExpiredAt(Instant now) {
        return expires.map(e -> !now.isBefore(e)).orElse(false);
    }

    /** How the exception reads in messages: "team security-team". */
    public String describe() {
        return scope.yaml() + " " + subject;
    }
}
