package io.ccpolicy.engine.model;

import java.util.List;
import java.util.Locale;

/** Who is acting: the developer's e-mail (compared case-insensitively), teams and department. */
public record Identity(String email, List<String> teams, String department) {

    public Identity {
        email = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        teams = teams == null ? List.of() : List.copyOf(teams);
        department = department == null ? "" : department;
    }

    public static Identity of(String email, String... teams) {
        return new Identity(email, List.of(teams), "");
    }

    public boolean inTeam(String team) {
        return teams.contains(team);
    }
}
