package io.ccpolicy.agent.daemon;

import io.ccpolicy.engine.model.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * {@code agent.yaml}: who is using this machine. Keys: {@code organization}; {@code user.email} (required),
 * {@code user.teams}, {@code user.department}; {@code machine_id} (otherwise generated once and kept in the state
 * directory as {@code machine-id}). Unknown keys are an error, so a typo never changes who the policy sees.
 */
public record AgentConfig(String organization, Identity identity, String machineId) {

    private static final Set<String> TOP = Set.of("organization", "user", "machine_id");
    private static final Set<String> USER = Set.of("email", "teams", "department");

    /** The problems in an agent.yaml, each naming the key. */
    public static final class InvalidConfig extends Exception {
        public InvalidConfig(String message) {
            super(message);
        }
    }

    public static AgentConfig load(Path file, Path stateDir) throws InvalidConfig, IOException {
        Object parsed;
        try {
            parsed = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(Files.readString(file));
        } catch (YamlEngineException e) {
            throw new InvalidConfig(file + ": not valid YAML: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> top)) {
            throw new InvalidConfig(file + ": must be a mapping with organization, user and machine_id");
        }
        List<String> problems = new ArrayList<>();
        top.keySet().stream().map(String::valueOf).filter(k -> !TOP.contains(k))
                .forEach(k -> problems.add("unknown key '" + k + "' (known: machine_id, organization, user)"));
        String organization = top.get("organization") instanceof String o ? o : "";
        String email = null;
        List<String> teams = List.of();
        String department = "";
        if (top.get("user") instanceof Map<?, ?> user) {
            user.keySet().stream().map(String::valueOf).filter(k -> !USER.contains(k))
                    .forEach(k -> problems.add("unknown key 'user." + k + "' (known: email, teams, department)"));
            email = user.get("email") instanceof String e && e.contains("@") ? e : null;
            if (email == null) {
                problems.add("user.email must be an e-mail address");
            }
            if (user.get("teams") instanceof List<?> list) {
                teams = list.stream().map(String::valueOf).toList();
            } else if (user.get("teams") != null) {
                problems.add("user.teams must be a list");
            }
            department = user.get("department") instanceof String d ? d : "";
        } else {
            problems.add("user is required: {email, teams, department}");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfig(file + ": " + String.join("; ", problems));
        }
        String machineId = top.get("machine_id") instanceof String m && !m.isBlank() ? m : machineId(stateDir);
        return new AgentConfig(organization, new Identity(email, teams, department), machineId);
    }

    /** The machine id kept in the state directory, created on first use. */
    static String machineId(Path stateDir) throws IOException {
        Path file = stateDir.resolve("machine-id");
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        Files.createDirectories(stateDir);
        String id = "machine-" + UUID.randomUUID();
        Files.writeString(file, id + "\n");
        return id;
    }
}
