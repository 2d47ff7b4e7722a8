package io.ccpolicy.agent.config;

import io.ccpolicy.engine.model.Identity;
import java.io.IOException;
import java.net.URI;
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
public record AgentConfig(String organization, Identity identity, String machineId, AuditShipping shipping, ServerSync server) {

    /** The identity provider's public client the agent signs developers in with, unless configured otherwise. */
    public static final String DEFAULT_CLIENT = "ccpolicy-agent";

    /**
     * {@code server:} where the policy comes from instead of a file: {@code url} of policy-service, {@code public_key}
     * (the bundle signing key, PEM file, pinned at install), {@code project}, the identity provider's {@code token_url}
     * and {@code client_id}: with {@code client_secret} or {@code client_secret_file}, the machine's own client (its
     * bundles carry the organisation's layer until a developer signs in); without, the public client developers sign in
     * with, and every bundle is the signed-in developer's;
     * {@code wait_seconds} of each long poll (default 30); {@code max_staleness_hours} (default 168): past that long
     * without the server confirming the bundle, the stricter profile applies (warn and audit policies enforced);
     * {@code exceptions_url}: exception-service, where {@code request-exception} sends the developer's requests.
     */
    public record ServerSync(URI url, List<Path> publicKeys, String project, URI tokenUrl, String clientId, String clientSecret, int waitSeconds,
            java.time.Duration maxStaleness, URI exceptionsUrl) {

        public static final ServerSync NONE = new ServerSync(null, List.of(), "", null, "", "", 30, java.time.Duration.ofDays(7));

        /** Without an exception-service URL. */
        public ServerSync(URI url, List<Path> publicKeys, String project, URI tokenUrl, String clientId, String clientSecret, int waitSeconds,
                java.time.Duration maxStaleness) {
            this(url, publicKeys, project, tokenUrl, clientId, clientSecret, waitSeconds, maxStaleness, null);
        }

        public boolean enabled() {
            return url != null;
        }

        /** Whether the machine has a client of its own (client credentials), used while no developer is signed in. */
        public boolean machineCredentials() {
            return !clientSecret.isBlank();
        }

        /** The public client developers sign in with: client_id itself when the machine has no secret of its own. */
        public String signInClient() {
            return machineCredentials() ? AgentConfig.DEFAULT_CLIENT : clientId;
        }

        public ServerSync withUrl(URI other) {
            return new ServerSync(other, publicKeys, project, tokenUrl, clientId, clientSecret, waitSeconds, maxStaleness, exceptionsUrl);
        }
    }

    public AgentConfig withServer(ServerSync other) {
        return new AgentConfig(organization, identity, machineId, shipping, other);
    }

    public AgentConfig(String organization, Identity identity, String machineId, AuditShipping shipping) {
        this(organization, identity, machineId, shipping, ServerSync.NONE);
    }

    /**
     * {@code audit:} where the spool ships to: {@code kafka} (any Kafka producer property, e.g. {@code bootstrap.servers},
     * {@code security.protocol}, {@code sasl.mechanism}, {@code ssl.truststore.location}), {@code topic} (default
     * audit.events.v1) and {@code spool_max_bytes} (default 1 GiB of unshipped events; beyond it tool calls are refused).
     */
    public record AuditShipping(Map<String, String> kafka, String topic, long spoolMaxBytes) {

        public static final AuditShipping NONE = new AuditShipping(Map.of(), io.ccpolicy.engine.audit.AuditEvent.TOPIC, 1L << 30);

        public boolean enabled() {
            return kafka.containsKey("bootstrap.servers");
        }
    }

    public AgentConfig(String organization, Identity identity, String machineId) {
        this(organization, identity, machineId, AuditShipping.NONE);
    }

    private static final Set<String> TOP = Set.of("organization", "user", "machine_id", "audit", "server");
    private static final Set<String> SERVER = Set.of("url", "public_key", "project", "token_url", "client_id", "client_secret",
            "client_secret_file", "wait_seconds", "max_staleness_hours", "exceptions_url");
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
                .forEach(k -> problems.add("unknown key '" + k + "' (known: audit, machine_id, organization, server, user)"));
        String organization = top.get("organization") instanceof String o ? o : "";
        String email = null;
        List<String> teams = List.of();
        String department = "";
        if (top.get("user") == null && top.get("server") instanceof Map<?, ?>) {
            email = ""; // who is using the machine comes from the developer's sign-in, inside the signed bundle
        } else if (top.get("user") instanceof Map<?, ?> user) {
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
            problems.add("user is required without a server section: {email, teams, department}");
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
        ServerSync server = ServerSync.NONE;
        if (top.get("server") instanceof Map<?, ?> section) {
            server = server(section, file.toAbsolutePath().getParent(), problems);
        } else if (top.get("server") != null) {
            problems.add("server must be a mapping: {url, public_key, token_url, client_id, client_secret_file, project}");
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfig(file + ": " + String.join("; ", problems));
        }
        String machineId = top.get("machine_id") instanceof String m && !m.isBlank() ? m : machineId(stateDir);
        return new AgentConfig(organization, new Identity(email, teams, department), machineId, shipping, server);
    }

    private static ServerSync server(Map<?, ?> section, Path base, List<String> problems) throws IOException {
        section.keySet().stream().map(String::valueOf).filter(k -> !SERVER.contains(k))
                .forEach(k -> problems.add("unknown key 'server." + k + "' (known: " + String.join(", ", new java.util.TreeSet<>(SERVER)) + ")"));
        URI url = uri(section.get("url"), "server.url", problems);
        URI tokenUrl = uri(section.get("token_url"), "server.token_url", problems);
        // A list while the signing key is rotated: bundles signed by any of them are accepted.
        List<Path> publicKeys = new ArrayList<>();
        if (section.get("public_key") instanceof String key) {
            publicKeys.add(base.resolve(key));
        } else if (section.get("public_key") instanceof List<?> keys && !keys.isEmpty() && keys.stream().allMatch(String.class::isInstance)) {
            keys.forEach(key -> publicKeys.add(base.resolve((String) key)));
        } else {
            problems.add("server.public_key must name the bundle signing key's PEM file (or a list of them while the key is rotated)");
        }
        String clientId = section.get("client_id") instanceof String id ? id : "";
        if (clientId.isBlank()) {
            problems.add("server.client_id is required");
        }
        String secret = section.get("client_secret") instanceof String s ? s : "";
        if (section.get("client_secret_file") instanceof String secretFile) {
            Path path = base.resolve(secretFile);
            if (Files.isRegularFile(path)) {
                secret = Files.readString(path).trim();
            } else {
                problems.add("server.client_secret_file " + path + " does not exist");
            }
        }
        // Without a secret, client_id is the public client developers sign in with, and bundles need a signed-in developer.
        int wait = 30;
        if (section.get("wait_seconds") instanceof Number n && n.intValue() >= 0 && n.intValue() <= 300) {
            wait = n.intValue();
        } else if (section.get("wait_seconds") != null) {
            problems.add("server.wait_seconds must be 0 to 300");
        }
        java.time.Duration staleness = ServerSync.NONE.maxStaleness();
        if (section.get("max_staleness_hours") instanceof Number n && n.longValue() > 0) {
            staleness = java.time.Duration.ofHours(n.longValue());
        } else if (section.get("max_staleness_hours") != null) {
            problems.add("server.max_staleness_hours must be a positive number of hours");
        }
        String project = section.get("project") instanceof String p ? p : "";
        URI exceptions = section.get("exceptions_url") == null ? null : uri(section.get("exceptions_url"), "server.exceptions_url", problems);
        return new ServerSync(url, List.copyOf(publicKeys), project, tokenUrl, clientId, secret, wait, staleness, exceptions);
    }

    private static URI uri(Object value, String key, List<String> problems) {
        if (value instanceof String text && (text.startsWith("http://") || text.startsWith("https://"))) {
            try {
                return URI.create(text);
            } catch (IllegalArgumentException e) {
                problems.add(key + " is not a URL: " + e.getMessage());
                return null;
            }
        }
        problems.add(key + " must be an http(s) URL");
        return null;
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
