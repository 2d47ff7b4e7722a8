package io.ccpolicy.agent.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.parse.TestSuiteParser;
import io.ccpolicy.engine.testing.PolicyTestCase;
import io.ccpolicy.engine.testing.PolicyTestSuite;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's conformance corpus, replayed through the daemon's HTTP path: each case's payload is POSTed to a real
 * {@link HookServer} answered by a {@link HookService} set up as that developer's agent (identity, home, clock, tokens
 * in a transcript file), and both the answer in Claude Code's JSON contract and the audited verdict must be what the
 * case expects. Each case's home, project directory and configuration files are laid out on disk, since the daemon
 * reads them as it would on a laptop.
 */
class CorpusOverHttpTest {

    static final Path CORPUS = Path.of("../policy-engine/src/test/resources/conformance").toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    static HookServer server;
    static final AtomicReference<HookService> current = new AtomicReference<>();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startServer() throws IOException {
        server = new HookServer(0, 4 * 1024 * 1024, 16, request -> current.get().handle(request));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @TestFactory
    Stream<DynamicTest> everyRunnableCorpusCaseDecidesTheSameOverHttp() throws Exception {
        return cases(new ArrayList<>()).stream();
    }

    @Test
    void mostOfTheCorpusRunsOverHttp() throws Exception {
        List<String> notRunnable = new ArrayList<>();
        int runnable = cases(notRunnable).size();
        assertThat(notRunnable).as("only cases whose working directory lies outside the home this test maps").hasSizeLessThanOrEqualTo(5)
                .allSatisfy(why -> assertThat(why).contains("working directory outside /home"));
        assertThat(runnable).isGreaterThanOrEqualTo(700);
    }

    private static List<DynamicTest> cases(List<String> notRunnable) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(CORPUS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith("-policy.yaml")).sorted().toList()) {
                PolicyTestSuite suite = TestSuiteParser.parse(file.getFileName().toString(), Files.readString(file));
                Path policy = file.resolveSibling(suite.policy());
                for (PolicyTestCase testCase : suite.cases()) {
                    String why = whyNotRunnable(testCase);
                    if (why != null) {
                        notRunnable.add(file.getFileName() + ": " + testCase.name() + " (" + why + ")");
                        continue;
                    }
                    tests.add(DynamicTest.dynamicTest(file.getFileName() + ": " + testCase.name(), () -> check(policy, testCase)));
                }
            }
        }
        return tests;
    }

    private static String whyNotRunnable(PolicyTestCase testCase) {
        String event = testCase.request().event().name();
        String cwd = testCase.request().event().cwd();
        if (!cwd.isEmpty() && !cwd.startsWith("/home/")) {
            // the scratch world is built under a temporary home; a real /etc or /tmp stays out of reach
            return "working directory outside /home, which this test maps to scratch directories";
        }
        return HookService.KNOWN_EVENTS.contains(event) ? null : "not an event the daemon answers";
    }

    private static void check(Path policy, PolicyTestCase testCase) throws Exception {
        Path state = Files.createTempDirectory(dir, "agent");
        AgentLog log = new AgentLog(new PrintStream(PrintStream.nullOutputStream()));
        Sandbox sandbox = new Sandbox(testCase, Files.createDirectories(state.resolve("home")));
        // Paths the policy names absolutely under /home follow the home to its scratch place.
        Path mapped = Files.writeString(state.resolve(policy.getFileName()), sandbox.mapHome(Files.readString(policy))
                .replace("\"/home/**\"", "\"" + state + "/**\""));
        PolicyHolder holder = new PolicyHolder(mapped, Clock.fixed(testCase.now(), ZoneOffset.UTC), log, problems -> { });
        holder.loadInitial();
        try (AuditSpool audit = new AuditSpool(state)) {
            AgentConfig agent = new AgentConfig("corpus", testCase.request().identity(), "machine-corpus");
            current.set(new HookService(holder, agent, new Workspace(sandbox.home.toString()), audit, log,
                    Clock.fixed(testCase.now(), ZoneOffset.UTC)));
            @SuppressWarnings("unchecked")
            Map<String, Object> payload = new HashMap<>((Map<String, Object>) sandbox.rewrite(testCase.request().event().payload()));
            payload.put("transcript_path", transcript(state, testCase.request().session().tokens()).toString());
            String name = testCase.request().event().name();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/hooks/" + name))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.compact(payload))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode answer = Json.MAPPER.readTree(response.body());
            if (HookService.DECISION_EVENTS.contains(name)) {
                assertThat(answered(name, answer)).as("answer %s", response.body()).isEqualTo(shown(name, testCase.expectedDecision()));
            }
            List<String> lines = Files.readAllLines(audit.file());
            JsonNode audited = Json.MAPPER.readTree(lines.get(lines.size() - 1));
            assertThat(audited.path("decision").path("verdict").asText()).as("audited %s", audited).isEqualTo(testCase.expectedDecision().yaml());
            for (String policyName : testCase.expectedPolicies()) {
                assertThat(audited.path("policyCheck").path("policies").toString()).contains("\"" + policyName + "\"");
            }
            testCase.exception().ifPresent(id -> assertThat(audited.path("decision").path("exceptions").toString()).contains("\"" + id + "\""));
        }
    }

    /**
     * The case's world on disk, under a temporary home: its home and working directory are mapped there (a git
     * repository whose origin is named after the case's project, since the daemon takes the project from the remote),
     * every path in the payload follows, and the configuration the case describes is written where Claude Code keeps it.
     */
    private static final class Sandbox {
        final Path home;
        private final String caseHome;
        private final String caseCwd;
        private final String cwd;

        Sandbox(PolicyTestCase testCase, Path home) throws IOException {
            this.home = home;
            this.caseHome = testCase.request().home();
            String eventCwd = testCase.request().event().cwd();
            this.caseCwd = eventCwd.isEmpty() ? caseHome : eventCwd;
            String mapped = mapHome(caseCwd);
            String project = testCase.request().project();
            this.cwd = project.isEmpty() || mapped.endsWith("/" + project) ? mapped
                    : Path.of(mapped).resolveSibling(project).toString();
            Path root = Files.createDirectories(Path.of(cwd));
            if (!project.isEmpty()) {
                Files.createDirectories(root.resolve(".git"));
                Files.writeString(root.resolve(".git/config"), "[remote \"origin\"]\n\turl = git@github.com:acme/" + project + ".git\n");
            }
            var config = testCase.request().configuration();
            StringBuilder stray = new StringBuilder();
            for (var file : config.claudeMd()) {
                Path target = Path.of(path(file.path()));
                if (target.startsWith(home)) {
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, file.content());
                } else {
                    stray.append(file.content()).append('\n');
                }
            }
            if (stray.length() > 0) {
                Files.writeString(root.resolve("CLAUDE.md"), stray.toString());
            }
            for (String skill : config.skills()) {
                Path folder = Files.createDirectories(home.resolve(".claude/skills").resolve(skill));
                Files.writeString(folder.resolve("SKILL.md"), "# " + skill);
            }
            if (!config.mcpServers().isEmpty()) {
                Map<String, Object> servers = new java.util.LinkedHashMap<>();
                config.mcpServers().forEach(n -> servers.put(n, Map.of("command", n)));
                Files.writeString(root.resolve(".mcp.json"), Json.compact(Map.of("mcpServers", servers)));
            }
            for (var entry : config.fileContents().entrySet()) {
                Path target = Path.of(path(entry.getKey()));
                Files.createDirectories(target.getParent());
                Files.writeString(target, entry.getValue());
            }
        }

        private String mapHome(String text) {
            return text.replaceAll(java.util.regex.Pattern.quote(caseHome) + "(?=/|$|[^A-Za-z0-9_.-])",
                    java.util.regex.Matcher.quoteReplacement(home.toString()));
        }

        private String path(String text) {
            return mapHome(text.replace(caseCwd + "/", cwd + "/").replaceAll(java.util.regex.Pattern.quote(caseCwd) + "$",
                    java.util.regex.Matcher.quoteReplacement(cwd)));
        }

        Object rewrite(Object value) {
            if (value instanceof String text) {
                return path(text);
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> copy = new java.util.LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(String.valueOf(k), rewrite(v)));
                if (map.containsKey("hook_event_name") && !map.containsKey("cwd")) {
                    copy.put("cwd", cwd);
                }
                return copy;
            }
            if (value instanceof List<?> list) {
                return list.stream().map(this::rewrite).toList();
            }
            return value;
        }
    }

    /** A transcript whose assistant usage adds up to the case's token count. */
    private static Path transcript(Path state, long tokens) throws IOException {
        return Files.writeString(state.resolve("transcript.jsonl"),
                "{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":" + tokens + ",\"output_tokens\":0}}}\n");
    }

    /** How Claude Code reads the answer, per event. */
    private static String answered(String event, JsonNode answer) {
        JsonNode specific = answer.path("hookSpecificOutput");
        return switch (event) {
            case "PreToolUse" -> specific.has("permissionDecision") ? specific.path("permissionDecision").asText()
                    : answer.has("systemMessage") ? "warn" : "allow";
            case "PermissionRequest" -> specific.path("decision").path("behavior").asText().equals("deny") ? "deny"
                    : answer.has("systemMessage") ? "warn-or-ask" : "allow";
            default -> answer.path("decision").asText().equals("block") ? "block" : answer.has("systemMessage") ? "warn" : "allow";
        };
    }

    private static String shown(String event, Verdict verdict) {
        return switch (event) {
            case "PreToolUse" -> verdict.yaml();
            case "PermissionRequest" -> verdict == Verdict.WARN || verdict == Verdict.ASK ? "warn-or-ask" : verdict.yaml();
            default -> verdict == Verdict.DENY || verdict == Verdict.ASK ? "block" : verdict.yaml();
        };
    }
}
