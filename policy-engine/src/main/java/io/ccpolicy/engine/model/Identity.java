package io.ccpolicy.engine.model;

import java.util.List;
import java.util.Locale;

/**
 * Who is acting: the developer's e-mail (compared case-insensitively), teams, department, and {@code id}, the identity
 * provider's stable subject id when a token says it ("" otherwise): an e-mail can be renamed or reused, a subject not.
 */
public record Identity(String email, List<String> teams, String department, String id) {

    public Identity {
        email = email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
        teams = teams == null ? List.of() : List.copyOf(teams);
        department = department == null ? "" : department;
        id = id == null ? "" : id;
    }

    public Identity(String email, List<String> teams, String department) {
        this(email, teams, department, "");
    }

    public static Identity of(String email, String... teams) {
        return new Identity(email, List.of(teams), "");
    }

    public boolean inTeam(String team) {
        return teams.contains(team);
    }
}
