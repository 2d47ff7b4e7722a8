package io.ccpolicy.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.hook.HookService;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.model.Identity;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Recorded traffic as it really arises: the real hook agent decides hook events under a policy and writes its audit
 * events, which are then sent to audit.events.v1 exactly as written (one machine per call of {@link #record}).
 */
public final class AgentTraffic {

    private static final Pattern HOOK_EVENT = Pattern.compile("\"hook_event_name\"\\s*:\\s*\"([A-Za-z]+)\"");

    private final Path dir;
    private final String bootstrap;

    public AgentTraffic(Path dir, String bootstrap) {
        this.dir = dir;
        this.bootstrap = bootstrap;
    }

    /** Bash commands by one user on one machine; returns the events as written. */
    public List<String> bash(String machine, Identity user, String policyYaml, Clock clock, String... commands) throws Exception {
        return record(machine, user, policyYaml, clock, java.util.Arrays.stream(commands).map(c -> "{\"hook_event_name\":\"PreToolUse\","
                + "\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"" + c + "\"},\"session_id\":\"s-" + machine + "\",\"cwd\":\"/work/app\"}")
                .toList());
    }

    /** Any hook payloads by one user on one machine; returns the events as written. */
    public List<String> record(String machine, Identity user, String policyYaml, Clock clock, List<String> payloads) throws Exception {
        Path agentDir = Files.createDirectories(dir.resolve(machine));
        Path policy = Files.writeString(agentDir.resolve("policy.yaml"), policyYaml);
        AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));
        PolicyHolder holder = new PolicyHolder(policy, clock, log, p -> { });
        holder.loadInitial();
        try (AuditSpool audit = new AuditSpool(agentDir)) {
            HookService hooks = new HookService(holder, new AgentConfig("Acme", user, machine), new Workspace(agentDir.toString()), audit, log, clock);
            for (String payload : payloads) {
                String event = hookEvent(payload);
                hooks.handle(new HookServer.Request("POST", "/hooks/" + event, Map.of(), payload.getBytes(StandardCharsets.UTF_8), false));
            }
        }
        List<String> lines = Files.readAllLines(agentDir.resolve("audit/events.jsonl"));
        assertThat(lines).hasSize(payloads.size());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer())) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>("audit.events.v1", machine, line)).get();
            }
        }
        return lines;
    }

    /** The hook event name of a payload, for the daemon's path. */
    private static String hookEvent(String payload) {
        Matcher m = HOOK_EVENT.matcher(payload);
        if (!m.find()) {
            throw new IllegalArgumentException("payload without hook_event_name: " + payload);
        }
        return m.group(1);
    }
}
