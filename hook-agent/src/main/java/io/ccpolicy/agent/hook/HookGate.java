package io.ccpolicy.agent.hook;

import io.ccpolicy.agent.config.HookSecret;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.server.HookServer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What stands between the loopback port and the hook service. A request with an {@code Origin} header comes from a web
 * page (Claude Code sends none) and one whose {@code Host} is not a loopback name is a DNS-rebinding page: both get 403.
 * A hook request without the install's secret is refused the way Claude Code blocks (a deny for the decision events),
 * never answered as Claude Code's and never audited as its. {@code /health} without the secret says only whether the
 * agent is up.
 */
public final class HookGate implements HookServer.Handler {

    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]");

    private final HookSecret secret;
    private final HookServer.Handler service;
    private final AgentLog log;
    private final AtomicLong refused = new AtomicLong();

    public HookGate(HookSecret secret, HookServer.Handler service, AgentLog log) {
        this.secret = secret;
        this.service = service;
        this.log = log;
    }

    @Override
    public HookServer.Response handle(HookServer.Request request) {
        return answerFirst(request).completed();
    }

    @Override
    public HookServer.Response answerFirst(HookServer.Request request) {
        if (request.headers().containsKey("origin")) {
            return refused("a request from a web page (Origin " + request.headers().get("origin") + ")", 403,
                    "the policy agent answers Claude Code only; requests from web pages are refused");
        }
        String host = request.headers().getOrDefault("host", "");
        if (!loopback(host)) {
            return refused("a request for host '" + host + "'", 403, "the policy agent answers requests to 127.0.0.1 only");
        }
        boolean authentic = secret.carriedBy(request.headers());
        if (request.method().equals("GET") && request.path().equals("/health")) {
            return authentic ? service.handle(request) : statusOnly(service.handle(request));
        }
        if (authentic) {
            return service.answerFirst(request);
        }
        String event = request.path().startsWith("/hooks/") ? request.path().substring("/hooks/".length()) : "";
        count("a hook call for '" + event + "' without the install's secret");
        return HookAnswers.refusal(event, "POLICY AGENT: this hook call does not carry the agent's secret (" + HookSecret.HEADER + " from "
                + HookSecret.ENV + "), so it is refused; the running agent ('hook-agent serve') writes it into "
                + "~/.claude/settings.json: restart Claude Code, or see 'hook-agent status'");
    }

    /** How many requests were refused since start. */
    public long refusedRequests() {
        return refused.get();
    }

    private HookServer.Response refused(String what, int status, String error) {
        count(what);
        return HookServer.Response.json(status, Json.compact(Map.of("error", error)));
    }

    private void count(String what) {
        long n = refused.incrementAndGet();
        if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th...: a flood cannot flood the log
            log.warn("refused " + what + " (" + n + " refused since start)");
        }
    }

    private static boolean loopback(String host) {
        String name = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return LOOPBACK_HOSTS.contains(name.toLowerCase(java.util.Locale.ROOT));
    }

    private static HookServer.Response statusOnly(HookServer.Response full) {
        Map<String, Object> health = Json.object(new String(full.body(), StandardCharsets.UTF_8), new String[1]).orElse(Map.of());
        Map<String, Object> shown = new LinkedHashMap<>();
        for (String key : List.of("status")) {
            shown.put(key, health.getOrDefault(key, "UP"));
        }
        shown.put("detail", "send " + HookSecret.HEADER + " for the agent's status ('hook-agent status' does)");
        return HookServer.Response.json(full.status(), Json.compact(shown));
    }
}
