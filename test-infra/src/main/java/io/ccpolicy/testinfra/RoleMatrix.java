package io.ccpolicy.testinfra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a service's role matrix against the service itself: every operation its OpenAPI document lists under /api/
 * must have a row (so a new endpoint cannot slip in unchecked), every row must exist, and for each operation a request
 * without a token gets 401, a token with any role outside the row gets 403, and a token with a role in the row gets
 * neither. Path parameters are filled with harmless values (a missing resource answers 404, which is fine).
 */
public final class RoleMatrix {

    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");
    private static final Pattern OPERATION = Pattern.compile("\"(/api/[^\"]+)\"\\s*:\\s*\\{|\"(get|post|put|delete|patch)\"\\s*:\\s*\\{");

    private final URI base;
    private final Set<String> roles;
    private final Function<Set<String>, String> tokens;
    // HTTP/1.1: responses are closed unread (below), which on a shared HTTP/2 connection raced the next request into an
    // "EOF reached while reading" on a clean-clone run
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Every role the platform's services know. */
    public static final Set<String> PLATFORM_ROLES = Set.of("policy-admin", "policy-viewer", "agent", "developer", "exception-approver",
            "audit-reader");

    /** The row of an operation anyone may call, without a token (e.g. how an agent joins before it has one). */
    public static final Set<String> ANYONE = Set.of("(anyone, no token needed)");

    /** Tries every platform role; {@code tokens}: a valid token carrying exactly the given roles. */
    public RoleMatrix(URI base, Function<Set<String>, String> tokens) {
        this.base = base;
        this.roles = PLATFORM_ROLES;
        this.tokens = tokens;
    }

    /**
     * {@code rows}: "METHOD /path/{param}" to the roles allowed. Returns the problems found, one line each (empty when the
     * service keeps to the matrix).
     */
    public List<String> problems(Map<String, Set<String>> rows) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        Set<String> listed = operations();
        Set<String> missing = new TreeSet<>(listed);
        missing.removeAll(rows.keySet());
        missing.forEach(op -> problems.add(op + ": no row in the role matrix"));
        Set<String> extra = new TreeSet<>(rows.keySet());
        extra.removeAll(listed);
        extra.forEach(op -> problems.add(op + ": in the matrix, but the service has no such operation"));
        for (Map.Entry<String, Set<String>> row : rows.entrySet()) {
            if (!listed.contains(row.getKey())) {
                continue;
            }
            String method = row.getKey().substring(0, row.getKey().indexOf(' '));
            String path = PATH_PARAM.matcher(row.getKey().substring(method.length() + 1)).replaceAll(m -> value(m.group(1)));
            boolean open = row.getValue().equals(ANYONE);
            int anonymous = send(method, path, null);
            if (open ? anonymous == 401 || anonymous == 403 : anonymous != 401) {
                problems.add(row.getKey() + " without a token: " + anonymous + ", expected " + (open ? "access" : "401"));
            }
            for (String role : roles) {
                int status = send(method, path, tokens.apply(Set.of(role)));
                boolean allowed = open || row.getValue().contains(role);
                if (allowed && (status == 401 || status == 403)) {
                    problems.add(row.getKey() + " as " + role + ": " + status + ", expected access");
                } else if (!allowed && status != 403) {
                    problems.add(row.getKey() + " as " + role + ": " + status + ", expected 403");
                }
            }
        }
        return problems;
    }

    private Set<String> operations() throws IOException, InterruptedException {
        String openapi = http.send(HttpRequest.newBuilder(base.resolve("/q/openapi?format=json")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Set<String> operations = new TreeSet<>();
        String path = null;
        Matcher m = OPERATION.matcher(openapi);
        while (m.find()) {
            if (m.group(1) != null) {
                path = m.group(1);
            } else if (path != null) {
                operations.add(m.group(2).toUpperCase() + " " + path);
            }
        }
        return operations;
    }

    private static String value(String param) {
        return switch (param) {
            case "id" -> "00000000-0000-0000-0000-000000000000";
            case "scopeType" -> "team";
            default -> param.toLowerCase().contains("revision") ? "1" : "x";
        };
    }

    /**
     * JSON bodies first; an operation that takes YAML (policy documents) or NDJSON (audit batches) answers 415 to JSON
     * before it checks roles.
     */
    private int send(String method, String path, String token) throws IOException, InterruptedException {
        int status = 415;
        for (String type : List.of("application/json", "application/yaml", "application/x-ndjson")) {
            status = send(method, path, token, type);
            if (status != 415) {
                return status;
            }
        }
        return status;
    }

    private int send(String method, String path, String token, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        // The status only: a stream (server-sent events) never ends, so the body is not read.
        HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        return response.statusCode();
    }
}
