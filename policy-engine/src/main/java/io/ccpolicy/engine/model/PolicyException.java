package io.ccpolicy.engine.model;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A granted exemption from some policies for one user, team or project. {@code expires} empty means permanent; a
 * date-only expiry in the document means the end of that day, UTC. {@code values} empty exempts every violation of
 * those policies; otherwise only a violation whose offending values are all listed (an approved request for one MCP
 * server exempts that server, not every server).
 */
public record PolicyException(
        String id,
        Scope scope,
        String subject,
        List<String> exemptFrom,
        String reason,
        String approvedBy,
        Optional<Instant> expires,
        List<String> values,
        Optional<Instant> reviewedAt) {

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
        values = List.copyOf(values);
    }

    public PolicyException(String id, Scope scope, String subject, List<String> exemptFrom, String reason, String approvedBy,
            Optional<Instant> expires) {
        this(id, scope, subject, exemptFrom, reason, approvedBy, expires, List.of(), Optional.empty());
    }

    /** A grant for these offending values only, not reviewed since it was approved. */
    public PolicyException(String id, Scope scope, String subject, List<String> exemptFrom, String reason, String approvedBy,
            Optional<Instant> expires, List<String> values) {
        this(id, scope, subject, exemptFrom, reason, approvedBy, expires, values, Optional.empty());
    }

    /** Whether this exception covers a violation of {@code policy} by these offending values. */
    public boolean covers(String policy, List<String> offending) {
        return exemptFrom.contains(policy) && (values.isEmpty() || values.containsAll(offending));
    }

    public static Scope scope(String yaml) {
        for (Scope scope : Scope.values()) {
            if (scope.yaml.equals(yaml)) {
                return scope;
            }
        }
        throw new IllegalArgumentException("exception scope must be user, team or project, got '" + yaml + "'");
    }

    public boolean concerns(Identity identity, String project) {
        return switch (scope) {
            case USER -> subject.equalsIgnoreCase(identity.email());
            case TEAM -> identity.inTeam(subject);
            case PROJECT -> Projects.exempts(subject, project);
        };
    }

    public boolean isExpiredAt(Instant now) {
        return expires.map(e -> !now.isBefore(e)).orElse(false);
    }

    /** How the exception reads in messages: "team security-team". */
    public String describe() {
        return scope.yaml() + " " + subject + (values.isEmpty() ? "" : " for " + String.join(", ", values));
    }
}
