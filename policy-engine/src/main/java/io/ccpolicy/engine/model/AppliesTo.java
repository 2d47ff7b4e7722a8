package io.ccpolicy.engine.model;

import java.util.List;

/**
 * Narrows a policy to some teams, projects or users. Each dimension that is given must match (any of its values);
 * an absent or empty dimension matches everyone.
 */
public record AppliesTo(List<String> teams, List<String> projects, List<String> users) {

    public static final AppliesTo EVERYONE = new AppliesTo(List.of(), List.of(), List.of());

    public AppliesTo {
        teams = List.copyOf(teams);
        projects = List.copyOf(projects);
        users = users.stream().map(u -> u.trim().toLowerCase(java.util.Locale.ROOT)).toList();
    }

    public boolean matches(Identity identity, String project) {
        return (teams.isEmpty() || teams.stream().anyMatch(identity::inTeam))
                && (projects.isEmpty() || projects.stream().anyMatch(pattern -> Projects.targets(pattern, project)))
                && (users.isEmpty() || users.contains(identity.email()));
    }

    public boolean isEveryone() {
        return teams.isEmpty() && projects.isEmpty() && users.isEmpty();
    }
}
