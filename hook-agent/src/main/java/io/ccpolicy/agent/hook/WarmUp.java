package io.ccpolicy.agent.hook;

import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.config.HookSecret;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.MachineKey;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.sign.Ed25519;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Before Claude Code's first calls, the agent's whole answering path runs on everyday calls: HTTP over a keep-alive
 * connection, the intake journal, the decision, the answer and the recording after it. It runs against a copy of the
 * answering stack (its own server on a free port, spool, journal, secret and a throwaway signing key) in a scratch
 * directory that is deleted afterwards, so nothing reaches the real audit trail. Deciding alone left the HTTP, journal
 * and recording code cold: 100 PreToolUse calls 50 ms apart took 1.9-2.1 ms at p50 after start, against 0.56-0.66 ms
 * once the daemon had answered 20,000.
 */
public final class WarmUp {

    /** Everyday commands, the shapes Claude Code sends most. */
    private static final List<String> COMMANDS = List.of("ls -la", "cat README.md", "git status", "git diff --stat HEAD~1",
            "grep -rn TODO src 2>/dev/null | head -5", "mvn -q test", "npm run build > build.log 2>&1", "cd src && ls", "rm -rf build",
            "python3 -m pytest -q", "curl -s https://github.com", "find . -name '*.java' | wc -l");

    private final PolicyHolder policy;
    private final AgentConfig agent;
    private final Workspace workspace;
    private final AgentLog log;
    private final Clock clock;

    public WarmUp(PolicyHolder policy, AgentConfig agent, Workspace workspace, AgentLog log, Clock clock) {
        this.policy = policy;
        this.agent = agent;
        this.workspace = workspace;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Sends {@code rounds} rounds of everyday calls (each command's PreToolUse and PostToolUse, a Read and a Write) through
     * a copy of the answering stack in {@code scratch}, which must not exist yet or be a leftover of an earlier warm-up;
     * it is deleted when done. Returns the number of calls answered.
     */
    public int run(Path scratch, int rounds) throws IOException, InterruptedException {
        delete(scratch);
        Files.createDirectories(scratch);
        int calls = 0;
        try {
            HookSecret secret = new HookSecret(UUID.randomUUID() + "-" + UUID.randomUUID());
            KeyPair key = Ed25519.generate();
            Path transcript = scratch.resolve("transcript.jsonl");
            Path project = scratch.resolve("project");
            try (AuditSpool spool = new AuditSpool(scratch)) {
                spool.signWith(new MachineKey(key.getPrivate(), key.getPublic()));
                HookService copy = new HookService(policy, agent, workspace, spool, log, clock);
                try (HookServer server = new HookServer(0, 64 * 1024, 2, new HookGate(secret, copy, log));
                     Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    List<Map<String, Object>> tools = tools(project);
                    for (int round = 0; round < rounds; round++) {
                        // the session's transcript grows as a real one does, so the token meter parses new lines each round
                        Files.writeString(transcript, "{\"type\":\"assistant\",\"timestamp\":\"" + clock.instant() + "\",\"message\":{\"id\":\"msg_"
                                + round + "\",\"usage\":{\"input_tokens\":120,\"output_tokens\":40}}}\n", StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        for (Map<String, Object> tool : tools) {
                            for (String event : List.of("PreToolUse", "PostToolUse")) {
                                post(out, in, secret, event, payload(event, tool, transcript, project, round));
                                calls++;
                            }
                        }
                    }
                    if (!copy.awaitRecorded(10_000)) {
                        log.warn("the warm-up's calls were not all recorded in its scratch spool within 10 s");
                    }
                }
            }
            return calls;
        } finally {
            delete(scratch);
        }
    }

    private static List<Map<String, Object>> tools(Path project) {
        List<Map<String, Object>> tools = new ArrayList<>();
        for (String command : COMMANDS) {
            tools.add(Map.of("tool_name", "Bash", "tool_input", Map.of("command", command, "description", "warm-up")));
        }
        tools.add(Map.of("tool_name", "Read", "tool_input", Map.of("file_path", project.resolve("README.md").toString())));
        tools.add(Map.of("tool_name", "Write", "tool_input", Map.of("file_path", project.resolve("notes.txt").toString(), "content", "warm-up")));
        return tools;
    }

    private static byte[] payload(String event, Map<String, Object> tool, Path transcript, Path project, int round) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("session_id", "warm-up");
        payload.put("transcript_path", transcript.toString());
        payload.put("cwd", project.toString());
        payload.put("permission_mode", "default");
        payload.put("hook_event_name", event);
        payload.putAll(tool);
        payload.put("tool_use_id", "toolu_warm_up_" + round);
        if (event.equals("PostToolUse")) {
            payload.put("tool_response", Map.of("stdout", "", "stderr", "", "interrupted", false));
        }
        return Json.compact(payload).getBytes(StandardCharsets.UTF_8);
    }

    /** One call as Claude Code makes it, and its answer read whole, so the connection stays usable for the next. */
    private static void post(OutputStream out, InputStream in, HookSecret secret, String event, byte[] body) throws IOException {
        out.write(("POST /hooks/" + event + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + HookSecret.HEADER + ": "
                + secret.value() + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the warm-up's server closed the connection");
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http/1.1 200")) {
            throw new IOException("the warm-up's " + event + " call was answered " + head.substring(0, head.indexOf("\r\n")));
        }
        int at = lower.indexOf("content-length:");
        in.readNBytes(Integer.parseInt(lower.substring(at + "content-length:".length(), lower.indexOf("\r\n", at)).trim()));
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
