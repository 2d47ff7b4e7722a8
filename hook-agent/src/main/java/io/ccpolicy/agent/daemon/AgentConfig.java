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
public record AgentConfig(String organization, Identity identity, String machineId, AuditShipping shipping) {

    /**
     * {@code audit:} where the spool ships to: {@code kafka} (any Kafka producer property, e.g. {@code bootstrap.servers},
     * {@code security.protocol}, {@code sasl.mechanism}, {@code ssl.truststore.location}), {@code topic} (default
     * audit.events.v1) and {@code spool_max_bytes} (default 1 GiB of unshipped events; beyond it tool calls are refused).
     */
    public record AuditShipping(Map<String, String> kafka, String topic, long spoolMaxBytes) {

        public static final AuditShipping NONE = new AuditShipping(Map.of(), "audit.events.v1", 1L << 30);

        public boolean enabled() {
            return kafka.containsKey("bootstrap.servers");
        }
    }

    public AgentConfig(String organization, Identity identity, String machineId) {
        this(organization, identity, machineId, AuditShipping.NONE);
    }

    private static final Set<String> TOP = Set.of("organization", "user", "machine_id", "audit");
    private static final Set<String> AUDIT = Set.of("kafka", "topic", "spool_max_bytes");
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
                .forEach(k -> problems.add("unknown key '" + k + "' (known: audit, machine_id, organization, user)"));
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
        AuditShipping shipping = AuditShipping.NONE;
        if (top.get("audit") instanceof Map<?, ?> audit) {
            audit.keySet().stream().map(String::valueOf).filter(k -> !AUDIT.contains(k))
                    .forEach(k -> problems.add("unknown key 'audit." + k + "' (known: kafka, topic, spool_max_bytes)"));
            Map<String, String> kafka = new java.util.LinkedHashMap<>();
            if (audit.get("kafka") instanceof Map<?, ?> properties) {
                properties.forEach((k, v) -> kafka.put(String.valueOf(k), String.valueOf(v)));
                if (!kafka.containsKey("bootstrap.servers")) {
                    problems.add("audit.kafka needs bootstrap.servers");
                }
            } else if (audit.get("kafka") != null) {
                problems.add("audit.kafka must be a mapping of Kafka producer properties");
            }
            String topic = audit.get("topic") instanceof String t ? t : AuditShipping.NONE.topic();
            long max = AuditShipping.NONE.spoolMaxBytes();
            if (audit.get("spool_max_bytes") instanceof Number n && n.longValue() > 0) {
                max = n.longValue();
            } else if (audit.get("spool_max_bytes") != null) {
                problems.add("audit.spool_max_bytes must be a positive number of bytes");
            }
            shipping = new AuditShipping(Map.copyOf(kafka), topic, max);
        } else if (top.get("audit") != null) {
            problems.add("audit must be a mapping: {kafka, topic, spool_max_bytes}");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfig(file + ": " + String.join("; ", problems));
        }
        String machineId = top.get("machine_id") instanceof String m && !m.isBlank() ? m : machineId(stateDir);
        return new AgentConfig(organization, new Identity(email, teams, department), machineId, shipping);
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
