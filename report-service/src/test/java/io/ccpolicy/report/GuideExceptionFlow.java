package io.ccpolicy.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.policy.DeveloperJwtRetriever;
import io.ccpolicy.agent.e2e.AgentProcess;
import io.ccpolicy.agent.e2e.ClaudeCli;
import io.ccpolicy.agent.e2e.FakeMessagesApi;
import io.ccpolicy.agent.e2e.FakeMessagesApi.Call;
import io.ccpolicy.agent.e2e.FakeMessagesApi.Turn;
import io.ccpolicy.testinfra.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The guide's exception workflow on the local platform, as a developer lives it, with the real Claude Code CLI: the
 * agent joins the platform with the one command {@code bin/platform up} printed, alice signs in through the device
 * grant, and in one running session a command is blocked, the developer runs the request command the violation box
 * printed, another user approves it, and the same command passes a few seconds later, with no restart; for a user, a
 * team and a project exception in turn. The agent's audit events reach Kafka on alice's token (SASL/OAUTHBEARER), and
 * that listener refuses other tokens and every topic but the audit one.
 */
final class GuideExceptionFlow {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Approval to the agent holding the grant; the guide promises "within seconds". */
    private static final Duration PROPAGATION = Duration.ofSeconds(10);
    private static final String POLICY = "version: \"1.0\"\norganization: Acme\npolicies:\n"
            + "  - {name: guide-no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n"
            + "  - {name: guide-no-chmod, type: denylist, target: bashCommand, values: [\"chmod 777\"], severity: error}\n"
            + "  - {name: guide-no-truncate, type: denylist, target: bashCommand, values: [\"truncate -s 0\"], severity: error}\n";

    /** What the flow needs of the running platform. */
    record Platform(Path root, String upOutput, Map<String, String> ports, Tokens tokens, SignIn signIn) {

        String url(String service) {
            return "http://127.0.0.1:" + ports.get(service);
        }
    }

    interface Tokens {
        String of(String user, String password) throws Exception;
    }

    /** Approves a device sign-in as {@code user} on the verification page, in a browser's place. */
    interface SignIn {
        void approve(URI verification, String user, String password) throws Exception;
    }

    private GuideExceptionFlow() {
    }

    static void run(Platform platform, Path work) throws Exception {
        publish(platform);
        Path state = Files.createDirectories(work.resolve("agent-state"));
        Path home = Files.createDirectories(work.resolve("home"));
        Path project = Files.createDirectories(home.resolve("payments"));
        git(project, "init", "-q");
        git(project, "remote", "add", "origin", "git@github.com:acme/payments.git");
        Files.createDirectories(project.resolve("build/classes"));
        Files.writeString(project.resolve("scratch.sh"), "echo hi\n");
        Files.writeString(project.resolve("notes.txt"), "notes\n");

        join(platform, state);
        try (AgentProcess agent = AgentProcess.start(platform.root().resolve("hook-agent/target/hook-agent.jar"),
                List.of("--server", platform.url("POLICY_SERVICE"), "--home", home.toString()), state, Ports.freePort())) {
            Path settings = work.resolve("claude-settings.json");
            Files.writeString(settings, hookAgent(platform, project, "settings", "--port", String.valueOf(agent.port()), "--state-dir", state.toString(),
                    "--home", home.toString()));
            List<Duration> propagation = new ArrayList<>();
            List<String> requests = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            FakeMessagesApi[] api = new FakeMessagesApi[1];
            api[0] = new FakeMessagesApi(List.of(
                    Turn.calls(bash("rm -rf build")),
                    Turn.calls(bash("rm -rf build"), bash("chmod 777 scratch.sh"))
                            .before(exception(platform, api, 0, 0, List.of(), state, project, agent, propagation, requests, failures)),
                    Turn.calls(bash("chmod 777 scratch.sh"), bash("truncate -s 0 notes.txt"))
                            .before(exception(platform, api, 1, 1, List.of("--scope", "team"), state, project, agent, propagation, requests, failures)),
                    Turn.calls(bash("truncate -s 0 notes.txt"))
                            .before(exception(platform, api, 2, 1, List.of("--scope", "project"), state, project, agent, propagation, requests, failures)),
                    Turn.text("All three done.")), List.of(), 100);
            java.time.Instant sessionStart = java.time.Instant.now().minusSeconds(1);
            int toolCalls;
            try (FakeMessagesApi session = api[0]) {
                ClaudeCli.Session cli = ClaudeCli.installed().run(project, home, session.baseUrl(),
                        List.of("--allowedTools", "Bash", "--settings", settings.toString()), Map.of());
                assertThat(failures).as("requesting and approving the exceptions").allSatisfy(failure -> {
                    throw new AssertionError(failure.getMessage(), failure);
                });
                assertThat(cli.exitCode()).as("claude: %s%n%s%nagent log:%n%s", cli.stderr(), cli.stdout(), agent.log()).isZero();

                assertThat(session.result(0, 0).isError()).as("blocked before the exception: %s", session.result(0, 0)).isTrue();
                assertThat(session.result(0, 0).content()).contains("POLICY VIOLATION").contains("guide-no-rm");
                assertThat(session.result(1, 0).isError()).as("allowed once approved, same session: %s", session.result(1, 0)).isFalse();
                assertThat(project.resolve("build")).doesNotExist();
                assertThat(session.result(1, 1).isError()).as("a team policy still blocks: %s", session.result(1, 1)).isTrue();
                assertThat(session.result(2, 0).isError()).as("team exception applied: %s", session.result(2, 0)).isFalse();
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(project.resolve("scratch.sh")))).isEqualTo("rwxrwxrwx");
                assertThat(session.result(2, 1).isError()).as("a project policy still blocks: %s", session.result(2, 1)).isTrue();
                assertThat(session.result(3, 0).isError()).as("project exception applied: %s%nagent: %s%nrequests: %s", session.result(3, 0),
                        agent.health(), requests).isFalse();
                assertThat(Files.size(project.resolve("notes.txt"))).isZero();
                toolCalls = session.results().size();
                System.out.println("guide flow: approval to the running agent holding the grant, user/team/project: " + propagation);
                assertThat(propagation).hasSize(3).allSatisfy(d -> assertThat(d).isLessThan(PROPAGATION));
            }
            auditArrivesOnTheDevelopersToken(platform, Files.readString(state.resolve("machine-id")).trim());
            evidenceCountsTheCallsTheCliMade(platform, sessionStart, toolCalls);
            agentsListenerTakesOnlyAgentTokensAndOnlyTheAuditTopic(platform, state);
        }
    }

    /** Signs in and enrols with the command the platform printed, alice approving the code on the verification page. */
    private static void join(Platform platform, Path state) throws Exception {
        Matcher printed = Pattern.compile("bin/hook-agent login --server (\\S+) --trust-key (SHA256:[0-9a-f]{64})").matcher(platform.upOutput());
        assertThat(printed.find()).as("bin/platform up prints the command that joins an agent:%n%s", platform.upOutput()).isTrue();
        Path output = state.resolve("login.out");
        Process login = new ProcessBuilder(platform.root().resolve("bin/hook-agent").toString(), "login", "--server", printed.group(1), "--trust-key",
                printed.group(2), "--state-dir", state.toString()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            Pattern open = Pattern.compile("\\(or open (\\S+)\\)");
            String shown = await("the sign-in page to open").atMost(Duration.ofSeconds(60)).until(() -> Files.readString(output),
                    text -> open.matcher(text).find() || !login.isAlive());
            Matcher page = open.matcher(shown);
            assertThat(page.find()).as("login output:%n%s", shown).isTrue();
            platform.signIn().approve(URI.create(page.group(1)), "alice", "alice");
            assertThat(login.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            login.destroyForcibly();
        }
        String said = Files.readString(output);
        assertThat(login.exitValue()).as(said).isZero();
        assertThat(said).contains("bundle key " + printed.group(2) + " pinned").contains("Signed in as alice@acme.com (teams platform)")
                .contains("enrolled for alice@acme.com");
    }

    /**
     * Before the next turn: the developer copies the request command from the box the blocked call showed, fills in the
     * reason, runs it; an approver approves; then the time until the running agent holds the grant is measured.
     */
    private static Runnable exception(Platform platform, FakeMessagesApi[] api, int turn, int call, List<String> scope, Path state, Path project,
            AgentProcess agent, List<Duration> propagation, List<String> requests, List<Throwable> failures) {
        return () -> {
            try {
                String box = api[0].result(turn, call).content();
                Matcher command = Pattern.compile("(?m)^hook-agent request-exception .*$").matcher(box);
                assertThat(command.find()).as("the violation box ends with the request command:%n%s", box).isTrue();
                List<String> argv = new ArrayList<>(List.of("bash", "-c", platform.root().resolve("bin") + "/" + command.group()
                        .replace("'<business justification>'", "'release week'") + " --state-dir '" + state + "' " + String.join(" ", scope)));
                String requested = run(argv, project);
                requests.add(requested);
                Matcher id = Pattern.compile("Exception request (\\S+) for policy").matcher(requested);
                assertThat(id.find()).as(requested).isTrue();

                HttpResponse<String> approved = HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("EXCEPTION_SERVICE") + "/api/v1/exceptions/"
                                + id.group(1) + "/approve")).header("Authorization", "Bearer " + platform.tokens().of("approver", "approver"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"fine this week\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
                long start = System.nanoTime();
                try {
                    await("the running agent holds grant " + id.group(1)).atMost(PROPAGATION.multipliedBy(3)).pollInterval(Duration.ofMillis(100))
                            .until(() -> grants(agent).contains(id.group(1)));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError(requested + "approved: " + approved.body() + "\nthe agent: " + agent.health() + "\n" + agent.log(), e);
                }
                propagation.add(Duration.ofNanos(System.nanoTime() - start));
            } catch (Throwable e) {
                failures.add(e);
                throw new IllegalStateException(e);
            }
        };
    }

    /**
     * The ids of the grants the running agent enforces (its health's exceptions in force). Not any id in the health
     * answer: a request still pending is listed there too, before it is approved.
     */
    private static List<String> grants(AgentProcess agent) throws Exception {
        String health = agent.health();
        if (health == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(health).path("exceptions")
                .forEach(entry -> ids.add(entry.asText().replaceFirst(" .*", "")));
        return ids;
    }

    private static void auditArrivesOnTheDevelopersToken(Platform platform, String machine) throws Exception {
        String auditor = platform.tokens().of("auditor", "auditor");
        URI query = URI.create(platform.url("AUDIT_INGEST") + "/api/v1/audit/events?machine=" + machine + "&policy=guide-no-rm");
        String events = await("alice's blocked call reaches audit-ingest through the agents' Kafka listener").atMost(Duration.ofSeconds(60))
                .until(() -> HTTP.send(HttpRequest.newBuilder(query).header("Authorization", "Bearer " + auditor).build(),
                        HttpResponse.BodyHandlers.ofString()).body(), body -> body.contains("alice@acme.com"));
        assertThat(events).contains("\"signature\"");
    }

    /** The compliance summary (SOC 2 evidence, the dashboard) counts the calls the CLI made, not their Pre and Post events. */
    private static void evidenceCountsTheCallsTheCliMade(Platform platform, java.time.Instant from, int toolCalls) throws Exception {
        String auditor = platform.tokens().of("auditor", "auditor");
        URI summary = URI.create(platform.url("AUDIT_INGEST") + "/api/v1/audit/events/summary?from=" + from + "&to=" + from.plusSeconds(3600));
        Pattern calls = Pattern.compile("\"toolCalls\":(\\d+)");
        String answer = await("every tool call of the session is in the audit trail").atMost(Duration.ofSeconds(60)).until(
                () -> HTTP.send(HttpRequest.newBuilder(summary).header("Authorization", "Bearer " + auditor).build(), HttpResponse.BodyHandlers.ofString())
                        .body(), body -> {
                    Matcher m = calls.matcher(body);
                    return m.find() && Integer.parseInt(m.group(1)) >= toolCalls;
                });
        Matcher counted = calls.matcher(answer);
        assertThat(counted.find()).isTrue();
        assertThat(Integer.parseInt(counted.group(1))).as("tool calls in the summary, against the %d the CLI made: %s", toolCalls, answer)
                .isEqualTo(toolCalls);
        assertThat(answer).contains("{\"key\":\"Bash\",\"count\":" + toolCalls + "}");
    }

    private static void agentsListenerTakesOnlyAgentTokensAndOnlyTheAuditTopic(Platform platform, Path state) throws Exception {
        String agents = "127.0.0.1:" + platform.ports().get("KAFKA_AGENTS");
        URI tokenUrl = URI.create("http://127.0.0.1:" + platform.ports().get("KEYCLOAK") + "/realms/acme/protocol/openid-connect/token");
        Map<String, Object> developer = producer(agents, DeveloperJwtRetriever.producerProperties(state, tokenUrl, "ccpolicy-agent"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(developer, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("exception.grants.v1", "forged", "{}")).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        // A valid token of another client (the admin CLI's) is not an agent's: no audience, no agent principal.
        Map<String, Object> other = producer(agents, Map.of(
                "sasl.login.callback.handler.class", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
                "sasl.oauthbearer.jwt.retriever.class", StaticJwtRetriever.class.getName(),
                "sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required token=\""
                        + platform.tokens().of("alice", "alice") + "\";"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(other, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("audit.events.v1", "forged", "{}")).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    private static Map<String, Object> producer(String bootstrap, Map<String, String> login) {
        Map<String, Object> config = new HashMap<>(login);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "OAUTHBEARER");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return config;
    }

    private static void publish(Platform platform) throws Exception {
        String admin = platform.tokens().of("admin", "admin");
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("POLICY_SERVICE") + "/api/v1/policies/versions?note=guide"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofString(POLICY)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher revision = Pattern.compile("\"revision\":(\\d+)").matcher(created.body());
        assertThat(revision.find()).isTrue();
        HttpResponse<String> published = HTTP.send(HttpRequest.newBuilder(URI.create(platform.url("POLICY_SERVICE") + "/api/v1/policies/publications"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"revision\":" + revision.group(1) + ",\"scope\":{\"type\":\"organization\",\"value\":\"*\"},"
                        + "\"note\":\"the guide's flow\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).as(published.body()).isEqualTo(201);
    }

    private static Call bash(String command) {
        return new Call("Bash", Map.of("command", command, "description", command));
    }

    private static String hookAgent(Platform platform, Path cwd, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(platform.root().resolve("bin/hook-agent").toString()));
        argv.addAll(List.of(args));
        return run(argv, cwd);
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        run(argv, dir);
    }

    /** Runs a command to its end; its stdout, or an assertion error with everything it said. */
    private static String run(List<String> argv, Path cwd) throws Exception {
        Path out = Files.createTempFile("guide-flow", ".out");
        Path err = Files.createTempFile("guide-flow", ".err");
        Process process = new ProcessBuilder(argv).directory(cwd.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", argv).isTrue();
        String said = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s:%n%s%s", argv, said, Files.readString(err)).isZero();
        return said;
    }
}
