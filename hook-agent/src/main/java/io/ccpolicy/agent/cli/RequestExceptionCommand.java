package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentPaths;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.DeveloperLogin;
import io.ccpolicy.engine.audit.AuditEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code request-exception --policy NAME [--value V] --reason TEXT [--duration 24h] [--scope user|team|project
 * --scope-value X]}: asks exception-service for an exception, as the developer whose token is in
 * {@code CCPOLICY_TOKEN} (or {@code --token-file}), else the developer signed in with {@code hook-agent login};
 * {@code request-exception --list} shows the developer's requests and their state. The service is {@code --server URL},
 * {@code CCPOLICY_EXCEPTIONS_URL}, or agent.yaml's {@code server.exceptions_url}.
 */
public final class RequestExceptionCommand {

    private RequestExceptionCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err, Map<String, String> env) throws UsageException {
        Args args = Args.parse(argv, "request-exception");
        Path stateDir = AgentPaths.stateDir(args.option("state-dir").orElse(null));
        AgentConfig agent = agentConfig(stateDir);
        String server = args.option("server").orElse(env.getOrDefault("CCPOLICY_EXCEPTIONS_URL",
                agent != null && agent.server().exceptionsUrl() != null ? agent.server().exceptionsUrl().toString() : ""));
        if (server.isBlank()) {
            throw new UsageException("request-exception needs --server URL (exception-service), CCPOLICY_EXCEPTIONS_URL, or server.exceptions_url "
                    + "in agent.yaml");
        }
        String token = token(args, env, agent, stateDir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String base = server.replaceAll("/+$", "") + "/api/v1/exceptions";
        try {
            if (args.flag("list")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return refused(response, err);
                }
                List<?> requests = Json.MAPPER.readValue(response.body(), List.class);
                if (requests.isEmpty()) {
                    out.println("No exception requests.");
                }
                for (Object item : requests) {
                    Map<?, ?> r = (Map<?, ?>) item;
                    out.println(r.get("id") + "  " + r.get("state") + "  " + r.get("policy") + " (" + r.get("scopeType") + " " + r.get("scopeValue")
                            + ")" + (r.get("expiresAt") == null ? "" : " until " + r.get("expiresAt")) + ": " + r.get("reason"));
                }
                return 0;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("policy", args.required("policy"));
            String scope = args.option("scope").orElse("user");
            body.put("scope", scope);
            scopeValue(scope, args, stateDir).ifPresent(v -> body.put("scopeValue", v));
            args.option("value").ifPresent(v -> body.put("value", v));
            body.put("reason", args.required("reason"));
            body.put("duration", args.option("duration").orElse("24h"));
            Optional<Map<String, Object>> trigger = deniedCall(stateDir, (String) body.get("policy"));
            trigger.ifPresent(call -> body.put("trigger", call));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(15))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.compact(body))).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                return refused(response, err);
            }
            Map<?, ?> created = Json.MAPPER.readValue(response.body(), Map.class);
            out.println("Exception request " + created.get("id") + " for policy " + created.get("policy") + " (" + created.get("scopeType") + " "
                    + created.get("scopeValue") + ") is " + created.get("state")
                    + " (" + created.get("requestedDuration") + "); an approver decides. Check with: hook-agent request-exception --list");
            trigger.ifPresent(call -> out.println("The approver sees the call it refused: " + call.get("tool") + " " + call.get("detail") + " at "
                    + call.get("at") + " (event " + call.get("eventId") + ")."));
            return 0;
        } catch (IOException e) {
            err.println("hook-agent: exception-service not reachable at " + server + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * The newest call on this machine that {@code policy} refused or held, from the agent's audit spool: what the approver
     * is shown beside the request. None when the spool holds none (or cannot be read: the request goes without it).
     */
    static Optional<Map<String, Object>> deniedCall(Path stateDir, String policy) {
        Path spool = stateDir.resolve("audit/events.jsonl");
        if (!java.nio.file.Files.isRegularFile(spool)) {
            return Optional.empty();
        }
        Map<String, Object> newest = null;
        try (var lines = java.nio.file.Files.lines(spool)) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.contains(policy)) {
                    continue;
                }
                AuditEvent event;
                try {
                    event = AuditEvent.fromMap(Json.object(line, new String[1]).orElse(Map.of()));
                } catch (IllegalArgumentException notAnEvent) {
                    continue;
                }
                boolean refused = event.policyCheck() != null && event.policyCheck().standing().stream()
                        .anyMatch(v -> v.policy().equals(policy) && ("deny".equals(v.effect()) || "ask".equals(v.effect())));
                if (refused) {
                    Map<String, Object> call = new LinkedHashMap<>();
                    call.put("eventId", event.eventId());
                    call.put("at", event.timestamp().toString());
                    call.put("tool", event.action().tool() == null ? event.eventType() : event.action().tool());
                    Map<String, Object> params = event.action().params() == null ? Map.of() : event.action().params();
                    Object detail = params.getOrDefault("command", params.getOrDefault("file_path", params.getOrDefault("url", "")));
                    call.put("detail", String.valueOf(detail).length() > 2000 ? String.valueOf(detail).substring(0, 2000) : String.valueOf(detail));
                    newest = call;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(newest);
    }

    /** The agent's configuration, if this machine has one (for the exception-service URL and the signed-in developer). */
    private static AgentConfig agentConfig(Path stateDir) {
        Path file = stateDir.resolve("agent.yaml");
        try {
            return java.nio.file.Files.isRegularFile(file) ? AgentConfig.load(file, stateDir) : null;
        } catch (IOException | AgentConfig.InvalidConfig e) {
            return null;
        }
    }

    /**
     * What the exception covers when {@code --scope-value} is not given: for a project, the repository the command runs
     * in (its normalised origin, as the agent sees it); for a team, the signed-in developer's team when there is one.
     */
    private static java.util.Optional<String> scopeValue(String scope, Args args, Path stateDir) throws UsageException {
        if (args.option("scope-value").isPresent() || scope.equals("user")) {
            return args.option("scope-value");
        }
        if (scope.equals("project")) {
            String cwd = System.getProperty("user.dir");
            String project = new io.ccpolicy.agent.hook.Workspace(System.getProperty("user.home")).projectName(cwd);
            if (project.isEmpty() || io.ccpolicy.engine.model.Projects.isOpaque(project)) {
                throw new UsageException("--scope project: " + cwd + " is not a checkout with one plain origin remote"
                        + (project.isEmpty() ? "" : " (" + project.substring(io.ccpolicy.engine.model.Projects.OPAQUE.length()) + ")")
                        + "; name the project with --scope-value, e.g. github.com/acme/payments");
            }
            return java.util.Optional.of(project);
        }
        List<String> teams;
        try {
            teams = DeveloperLogin.session(stateDir).map(DeveloperLogin.Session::teams).orElse(List.of());
        } catch (IOException e) {
            teams = List.of();
        }
        if (scope.equals("team") && teams.size() == 1) {
            return java.util.Optional.of(teams.get(0));
        }
        throw new UsageException("--scope " + scope + " needs --scope-value" + (teams.isEmpty() ? "" : " (your teams: " + String.join(", ", teams) + ")"));
    }

    private static String token(Args args, Map<String, String> env, AgentConfig agent, Path stateDir) throws UsageException {
        if (args.option("token-file").isPresent()) {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of(args.option("token-file").get())).trim();
            } catch (IOException e) {
                throw new UsageException("cannot read --token-file: " + e.getMessage());
            }
        }
        String token = env.getOrDefault("CCPOLICY_TOKEN", "");
        if (token.isBlank() && agent != null && agent.server().enabled() && DeveloperLogin.signedIn(stateDir)) {
            try {
                return new DeveloperLogin(stateDir, agent.server().tokenUrl(), agent.server().signInClient(), java.time.Clock.systemUTC()).get();
            } catch (IllegalStateException e) {
                throw new UsageException(e.getMessage());
            }
        }
        if (token.isBlank()) {
            throw new UsageException("request-exception needs you signed in ('hook-agent login'), or your access token in CCPOLICY_TOKEN or --token-file FILE");
        }
        return token;
    }

    /** The service's problem, as one readable line. */
    private static int refused(HttpResponse<String> response, PrintStream err) {
        String[] problem = new String[1];
        Map<String, Object> body = Json.object(response.body(), problem).orElse(Map.of());
        Object detail = body.getOrDefault("detail", response.body());
        err.println("hook-agent: exception-service refused (HTTP " + response.statusCode() + "): " + detail
                + (body.get("errors") instanceof List<?> errors && !errors.isEmpty() ? " " + errors : ""));
        return 1;
    }
}
