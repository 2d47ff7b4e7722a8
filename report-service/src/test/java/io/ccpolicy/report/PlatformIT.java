package io.ccpolicy.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.policy.DeveloperLogin;
import io.ccpolicy.testinfra.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform as {@code bin/platform up} starts it, from the packaged services (this module is built last, so
 * every service is packaged by now): a real Keycloak token works against a service, a second {@code up} starts
 * nothing, {@code down} leaves no process behind; and the admin dashboard in a real headless Chromium (installed from
 * Debian when missing): sign-in through Keycloak, a violation decided by the real agent appearing live, an exception
 * approved from the page, a report downloaded, screenshots of each page kept in {@code target/screenshots}. It runs on
 * free ports and its own state directory, beside any platform a developer already has running.
 */
class PlatformIT {

    private static final Path ROOT = Path.of(System.getProperty("maven.multiModuleProjectDirectory", "..")).toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path state;

    private static final Map<String, String> env = new HashMap<>();
    private static final List<ProcessHandle> started = new ArrayList<>();
    private static String upOutput;

    @BeforeAll
    static void platformUp() throws Exception {
        env.put("CCPOLICY_PLATFORM_DIR", state.toString());
        for (String port : List.of("PG", "KAFKA", "KAFKA_CONTROLLER", "KAFKA_AGENTS", "S3", "KEYCLOAK", "POLICY_SERVICE", "EXCEPTION_SERVICE",
                "AUDIT_INGEST", "REPORT_SERVICE")) {
            env.put("CCPOLICY_" + port + "_PORT", String.valueOf(Ports.freePort()));
        }
        Result up = platform("up");
        upOutput = up.output();
        assertThat(up.exitCode()).as("bin/platform up output:%n%s", up.output()).isZero();
        try (Stream<Path> pidFiles = Files.list(state.resolve("pids"))) {
            pidFiles.forEach(file -> {
                ProcessHandle process = ProcessHandle.of(Long.parseLong(read(file).trim())).orElseThrow();
                started.add(process);
                process.descendants().forEach(started::add);
            });
        }
    }

    @AfterAll
    static void platformDown() throws Exception {
        Result down = platform("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        for (ProcessHandle process : started) {
            process.onExit().get(30, TimeUnit.SECONDS);
            assertThat(process.isAlive()).as("process %s still running after down: %s", process.pid(), process.info()).isFalse();
        }
    }

    @Test
    void upReportsEveryServiceReadyWithItsUrl() {
        assertThat(upOutput).contains("Platform ready in")
                .contains("policy-service ready").contains("exception-service ready")
                .contains("audit-ingest ready").contains("report-service ready").contains("Keycloak ready (realm acme)")
                .contains("http://127.0.0.1:" + env.get("CCPOLICY_POLICY_SERVICE_PORT"));
        assertThat(started).as("8 components and their children").hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void aRealKeycloakTokenForAliceIsAcceptedAndHerRoleEnforced() throws Exception {
        String token = accessToken("alice", "alice");
        HttpResponse<String> own = get("http://127.0.0.1:" + env.get("CCPOLICY_EXCEPTION_SERVICE_PORT") + "/api/v1/exceptions", token);
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).isEqualTo("[]");

        HttpResponse<String> admin = get("http://127.0.0.1:" + env.get("CCPOLICY_POLICY_SERVICE_PORT") + "/api/v1/policies/versions", token);
        assertThat(admin.statusCode()).isEqualTo(403);
        assertThat(admin.headers().firstValue("content-type")).hasValue("application/problem+json");

        HttpResponse<String> anonymous = get("http://127.0.0.1:" + env.get("CCPOLICY_AUDIT_INGEST_PORT") + "/api/v1/audit/events/x", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void aDeveloperSignsInWithADeviceCodeAndBundlesAreIssuedForTheTokensIdentity() throws Exception {
        URI tokenUrl = URI.create("http://127.0.0.1:" + env.get("CCPOLICY_KEYCLOAK_PORT") + "/realms/acme/protocol/openid-connect/token");
        Path agentState = Files.createDirectories(state.resolve("agent-login"));
        DeveloperLogin login = new DeveloperLogin(agentState, tokenUrl, AgentConfig.DEFAULT_CLIENT, java.time.Clock.systemUTC());
        DeveloperLogin.Started started = login.start();
        assertThat(started.userCode()).isNotBlank();
        approveInTheBrowsersPlace(started.verificationUriComplete(), "bob", "bob");

        DeveloperLogin.Session session = login.complete(started);
        assertThat(session.email()).isEqualTo("bob@acme.com");
        assertThat(session.teams()).contains("payments");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(agentState.resolve("login.json"))))
                .as("the refresh token is the agent user's alone").isEqualTo("rw-------");

        // A fresh access token from the kept refresh token; policy-service issues the bundle for the token's identity.
        HttpResponse<String> bundle = get("http://127.0.0.1:" + env.get("CCPOLICY_POLICY_SERVICE_PORT") + "/api/v1/bundles/current?machine=m-bob",
                new DeveloperLogin(agentState, tokenUrl, AgentConfig.DEFAULT_CLIENT, java.time.Clock.systemUTC()).get());
        assertThat(bundle.statusCode()).as(bundle.body()).isIn(200, 404);
        assertThat(bundle.body()).contains("bob@acme.com");
        if (bundle.statusCode() == 200) {
            assertThat(bundle.body()).contains("\"teams\":[\"payments\"]");
        }
        // request-exception as the signed-in developer, at the exception-service agent.yaml names: no token to paste
        Files.writeString(agentState.resolve("agent.yaml"), "organization: Acme\nuser:\n  email: bob@acme.com\nserver:\n"
                + "  url: http://127.0.0.1:" + env.get("CCPOLICY_POLICY_SERVICE_PORT") + "\n  public_key: bundle.pub\n  token_url: " + tokenUrl + "\n"
                + "  client_id: hook-agent\n  client_secret: unused\n  exceptions_url: http://127.0.0.1:" + env.get("CCPOLICY_EXCEPTION_SERVICE_PORT") + "\n");
        java.io.ByteArrayOutputStream requested = new java.io.ByteArrayOutputStream();
        int exit = io.ccpolicy.agent.cli.RequestExceptionCommand.run(List.of("--state-dir", agentState.toString(), "--policy", "no-rm",
                "--value", "rm -rf build", "--reason", "release cleanup"), new java.io.PrintStream(requested, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(requested, true, StandardCharsets.UTF_8), Map.of());
        assertThat(exit).as(requested.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(requested.toString(StandardCharsets.UTF_8)).contains("is pending");
        assertThat(DeveloperLogin.logout(agentState)).isTrue();
        assertThat(DeveloperLogin.session(agentState)).isEmpty();
    }

    /**
     * What the developer does in a browser on the verification page: sign in to Keycloak (and confirm, if asked). Cookies
     * are kept by hand: Keycloak marks them Secure, which java.net's cookie store then withholds over plain http.
     */
    private static void approveInTheBrowsersPlace(URI verification, String user, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, String> cookies = new java.util.LinkedHashMap<>();
        HttpResponse<String> page = visit(browser, cookies, HttpRequest.newBuilder(verification).GET());
        for (int step = 0; step < 5; step++) {
            String html = page.body();
            if (html.contains("Device Login Successful") || html.contains("device-login-successful") || html.contains("successfully")) {
                return;
            }
            Matcher action = Pattern.compile("<form[^>]*action=\"([^\"]+)\"").matcher(html);
            assertThat(action.find()).as("a form on the verification page:%n%s", html).isTrue();
            String form = html.contains("name=\"username\"")
                    ? "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                    : html.contains("name=\"accept\"") ? "accept=Yes" : "device_user_code=";
            page = visit(browser, cookies, HttpRequest.newBuilder(page.uri().resolve(action.group(1).replace("&amp;", "&")))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        }
        throw new AssertionError("the verification page did not confirm the sign-in:\n" + page.body());
    }

    /** Sends the request with the cookies so far, keeps the ones it sets, and follows redirects with GET. */
    private static HttpResponse<String> visit(HttpClient browser, Map<String, String> cookies, HttpRequest.Builder request) throws Exception {
        for (int hop = 0; hop < 10; hop++) {
            if (!cookies.isEmpty()) {
                request.header("Cookie", String.join("; ", cookies.entrySet().stream().map(c -> c.getKey() + "=" + c.getValue()).toList()));
            }
            HttpResponse<String> response = browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : response.headers().allValues("set-cookie")) {
                String pair = set.substring(0, set.contains(";") ? set.indexOf(';') : set.length());
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(eq + 1).isBlank()) {
                    cookies.remove(pair.substring(0, eq).trim()); // expired by the server
                } else if (eq > 0) {
                    cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
            var location = response.headers().firstValue("location");
            if (response.statusCode() / 100 != 3 || location.isEmpty()) {
                return response;
            }
            request = HttpRequest.newBuilder(response.uri().resolve(location.get())).GET();
        }
        throw new AssertionError("too many redirects on the verification page");
    }

    @Test
    void theGuidesExceptionFlowInARunningClaudeCodeSessionForAUserATeamAndAProject() throws Exception {
        Map<String, String> ports = new HashMap<>();
        env.forEach((key, value) -> ports.put(key.replaceFirst("^CCPOLICY_", "").replaceFirst("_PORT$", ""), value));
        GuideExceptionFlow.run(new GuideExceptionFlow.Platform(ROOT, upOutput, ports, PlatformIT::accessToken,
                PlatformIT::approveInTheBrowsersPlace), Files.createDirectories(state.resolve("guide-flow")));
    }

    /**
     * A laptop off the company network: its agent ships over HTTPS to audit-ingest (the policy's audit.destination),
     * through an outage and through answers lost on the way back. Every event arrives, once.
     */
    @Test
    void anAgentShipsItsAuditOverHttpsThroughAnOutageAndLostAnswersWithNoLossAndNoDuplicate() throws Exception {
        String machine = "m-offsite-" + java.util.UUID.randomUUID();
        Path agentState = Files.createDirectories(state.resolve("https-audit"));
        try (TcpRelay relay = new TcpRelay(Ports.freePort(), Integer.parseInt(env.get("CCPOLICY_AUDIT_INGEST_PORT")))) {
            Files.writeString(agentState.resolve("policy.yaml"), "version: \"1.0\"\norganization: Acme\npolicies:\n"
                    + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n"
                    + "audit:\n  destination: http://127.0.0.1:" + relay.port() + "/api/v1/audit/batches\n  batch_size: 10\n  flush_interval: 1\n");
            io.ccpolicy.agent.config.AgentLog log = new io.ccpolicy.agent.config.AgentLog(System.out);
            io.ccpolicy.agent.policy.PolicyHolder policy = new io.ccpolicy.agent.policy.PolicyHolder(agentState.resolve("policy.yaml"),
                    java.time.Clock.systemUTC(), log, problems -> { });
            policy.loadInitial();
            String developer = accessToken("alice", "alice");
            try (io.ccpolicy.agent.audit.AuditSpool audit = new io.ccpolicy.agent.audit.AuditSpool(agentState);
                    io.ccpolicy.agent.audit.AuditShipper shipper = new io.ccpolicy.agent.audit.AuditShipper(audit, agentState,
                            new io.ccpolicy.agent.config.AgentConfig("Acme", io.ccpolicy.engine.model.Identity.of("alice@acme.com"), machine),
                            () -> policy.active().engine().document().audit(), () -> developer, log)) {
                io.ccpolicy.agent.hook.HookService hooks = new io.ccpolicy.agent.hook.HookService(policy,
                        new io.ccpolicy.agent.config.AgentConfig("Acme", io.ccpolicy.engine.model.Identity.of("alice@acme.com"), machine),
                        new io.ccpolicy.agent.hook.Workspace(agentState.toString()), audit, log, java.time.Clock.systemUTC());
                java.util.function.IntConsumer toolCalls = n -> {
                    for (int i = 0; i < n; i++) {
                        hooks.handle(new io.ccpolicy.agent.server.HookServer.Request("POST", "/hooks/PreToolUse", Map.of(),
                                ("{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"session_id\":\"s-offsite\",\"cwd\":\"/tmp\","
                                        + "\"tool_input\":{\"command\":\"" + (i % 5 == 0 ? "rm -rf build" : "ls -la") + "\"}}").getBytes(StandardCharsets.UTF_8),
                                false));
                    }
                };
                toolCalls.accept(25);
                // audit-ingest out of reach: the events wait in the spool, none is acknowledged
                await().atMost(Duration.ofSeconds(30)).until(() -> !shipper.status().lastError().isEmpty());
                assertThat(audit.pendingBytes()).isEqualTo(audit.size());

                // back, but every answer is lost on the way: audit-ingest holds batches the agent must send again
                relay.losingAnswers();
                await().atMost(Duration.ofSeconds(60)).until(() -> relay.droppedAnswers() >= 2);
                assertThat(audit.pendingBytes()).as("nothing counts as shipped without an answer").isEqualTo(audit.size());
                relay.up();
                toolCalls.accept(12);
                await().atMost(Duration.ofSeconds(60)).until(() -> audit.pendingBytes() == 0);
            }
            String auditor = accessToken("auditor", "auditor");
            String query = "http://127.0.0.1:" + env.get("CCPOLICY_AUDIT_INGEST_PORT") + "/api/v1/audit/events?limit=1000&machine=" + machine;
            Pattern stored = Pattern.compile("\"eventId\":\"(evt_[^\"]+)\",\"machineId\"");
            await().atMost(Duration.ofSeconds(60)).until(() -> stored.matcher(get(query, auditor).body()).results().count() >= 37);
            List<String> ids = stored.matcher(get(query, auditor).body()).results().map(m -> m.group(1)).toList();
            assertThat(ids).as("every event once, though batches were sent again").hasSize(37).doesNotHaveDuplicates();
        }
    }

    @Test
    void theDashboardInARealBrowser() throws Exception {
        DashboardBrowser.Platform platform = new DashboardBrowser.Platform(env.get("CCPOLICY_REPORT_SERVICE_PORT"),
                env.get("CCPOLICY_EXCEPTION_SERVICE_PORT"), env.get("CCPOLICY_POLICY_SERVICE_PORT"), env.get("CCPOLICY_KAFKA_PORT"),
                env.get("CCPOLICY_AUDIT_INGEST_PORT"), new DashboardBrowser.Tokens() {
                    @Override
                    public String of(String user, String password) throws Exception {
                        return accessToken(user, password);
                    }

                    @Override
                    public String agent() throws Exception {
                        return token("grant_type=client_credentials&client_id=hook-agent&client_secret=hook-agent-local-secret");
                    }
                }, arguments -> {
                    List<String> command = new java.util.ArrayList<>(List.of("demo"));
                    command.addAll(List.of(arguments));
                    Result demo = platform(command.toArray(String[]::new));
                    assertThat(demo.exitCode()).as("bin/platform %s:%n%s", command, demo.output()).isZero();
                    return demo.output();
                });
        DashboardBrowser.run(platform, ROOT.resolve("report-service/target"));
    }

    @Test
    void secondUpStartsNothingAndStatusIsHealthy() throws Exception {
        Map<String, String> pidsBefore = pidFiles();
        Result again = platform("up");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).contains("policy-service already running").doesNotContain("starting policy-service");
        assertThat(pidFiles()).isEqualTo(pidsBefore);

        Result status = platform("status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).containsPattern("audit-ingest +\\d+ +running +UP");
    }

    static String accessToken(String user, String password) throws Exception {
        return token("grant_type=password&client_id=ccpolicy-cli&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
    }

    private static String token(String form) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.get("CCPOLICY_KEYCLOAK_PORT")
                                + "/realms/acme/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher token = Pattern.compile("\"access_token\":\"([^\"]+)\"").matcher(response.body());
        assertThat(token.find()).isTrue();
        return token.group(1);
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> pidFiles() throws IOException {
        Map<String, String> pids = new HashMap<>();
        try (Stream<Path> files = Files.list(state.resolve("pids"))) {
            files.forEach(f -> pids.put(f.getFileName().toString(), read(f)));
        }
        return pids;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result platform(String... command) throws Exception {
        Path log = Files.createTempFile(state, "platform-" + command[0], ".log");
        List<String> line = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/platform").toString()));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line)
                .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("bin/platform " + String.join(" ", command) + " did not finish; output:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        System.out.println("bin/platform " + String.join(" ", command) + ":\n" + output);
        return new Result(process.exitValue(), output);
    }
}
