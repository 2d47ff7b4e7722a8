package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.config.AgentPaths;
import io.ccpolicy.agent.config.HookSecret;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.DeveloperLogin;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code status [--port N] [--state-dir DIR]}: whether the daemon answers, with which policy, for whom, and the audit backlog. */
public final class StatusCommand {

    private StatusCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "status");
        Path stateDir = AgentPaths.stateDir(args.option("state-dir").orElse(null));
        int port = args.option("port").isPresent() ? ServeCommand.port(args) : portFile(stateDir);
        String[] problem = new String[1];
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(3))
                            .header(HookSecret.HEADER, secret(stateDir)).build(),
                            HttpResponse.BodyHandlers.ofString());
            Map<String, Object> health = Json.object(response.body(), problem).orElse(Map.of());
            out.println("daemon:        running on 127.0.0.1:" + port);
            out.println("organization:  " + health.get("organization"));
            out.println("policy:        " + health.get("policyFile") + " (revision " + health.get("policyRevision") + ", "
                    + health.get("policies") + " policies)");
            if (health.get("policySync") instanceof Map<?, ?> sync && !sync.isEmpty()) {
                out.println("policy server: " + sync.get("server") + ": bundle revision " + sync.get("bundleRevision") + ", "
                        + sync.get("bundleAgeSeconds") + " s old; last sync " + sync.get("lastSync") + ": " + sync.get("lastResult")
                        + (String.valueOf(sync.get("lastError")).isEmpty() ? "" : "; last error: " + sync.get("lastError")));
                if (sync.get("grants") instanceof List<?> grants) {
                    for (Object item : grants) {
                        if (item instanceof Map<?, ?> g) {
                            out.println("granted:       " + g.get("id") + ": exempt from " + g.get("policies") + " (" + g.get("for") + "), approved by "
                                    + g.get("approvedBy") + (Boolean.TRUE.equals(g.get("expired")) ? ", EXPIRED " : ", expires ") + g.get("expires"));
                        }
                    }
                }
                if (sync.get("pendingRequests") instanceof List<?> pending) {
                    out.println("requests:      " + (pending.isEmpty() ? "no exception request awaits a decision" : pending.size() + " awaiting a decision"));
                    for (Object item : pending) {
                        if (item instanceof Map<?, ?> r) {
                            out.println("  pending:     " + r.get("id") + ": " + r.get("policy")
                                    + (String.valueOf(r.get("value")).isEmpty() ? "" : " for " + r.get("value")) + ", requested " + r.get("requestedAt"));
                        }
                    }
                }
            }
            out.println("OS sandbox:    " + health.get("osSandbox"));
            out.println("user:          " + health.get("user") + " on " + health.get("machineId"));
            out.println("signed in:     " + signedIn(stateDir));
            out.println("exceptions:    " + health.get("exceptions"));
            out.println("audit:         " + health.get("auditEventsWritten") + " event(s) recorded since start, in " + health.get("auditLog"));
            if (health.get("auditShipping") instanceof Map<?, ?> shipping && !Boolean.FALSE.equals(shipping.get("enabled"))) {
                out.println("audit spool:   " + health.get("auditPendingBytes") + " bytes not yet acknowledged by " + shipping.get("destination")
                        + (String.valueOf(shipping.get("oldestUnsent")).isEmpty() ? "" : ", oldest unsent event from " + shipping.get("oldestUnsent"))
                        + (shipping.get("lastKafkaOffset") instanceof Number offset && offset.longValue() >= 0
                                ? "; last acknowledged offset " + offset : "")
                        + (String.valueOf(shipping.get("lastError")).isEmpty() ? "" : "; last error: " + shipping.get("lastError")));
                if (shipping.get("quarantined") instanceof Number n && n.longValue() > 0) {
                    out.println("QUARANTINE:    " + n + " audit event(s) the audit service cannot take were set aside in " + shipping.get("quarantineFile")
                            + "; shipping goes on (report them to the platform team)");
                }
                if (Boolean.TRUE.equals(health.get("auditSpoolFull"))) {
                    out.println("ALARM:         the audit spool is full; tool calls are refused until it ships");
                }
            } else {
                out.println("audit spool:   not shipped (no audit destination in the policy, no audit.kafka in agent.yaml)");
            }
            return 0;
        } catch (IOException e) {
            out.println("daemon:        NOT RUNNING on 127.0.0.1:" + port + " (" + e.getClass().getSimpleName()
                    + "); Claude Code refuses tool calls until it runs: hook-agent serve --policy FILE");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static int portFile(Path stateDir) {
        try {
            return Integer.parseInt(Files.readString(stateDir.resolve("agent.port")).trim());
        } catch (IOException | NumberFormatException e) {
            return AgentPaths.DEFAULT_PORT;
        }
    }

    /** The daemon's secret, or "" when this user cannot read it (the daemon then shows its state only). */
    private static String secret(Path stateDir) {
        try {
            return Files.exists(stateDir.resolve("hook-secret")) ? HookSecret.load(stateDir).value() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String signedIn(Path stateDir) {
        try {
            return io.ccpolicy.agent.policy.DeveloperLogin.session(stateDir)
                    .map(s -> s.email() + " since " + s.signedInAt() + (s.refreshExpiresAt() == null ? "" : ", until " + s.refreshExpiresAt()
                            + " unless the agent syncs before"))
                    .orElse("nobody ('hook-agent login'); a policy server issues the organisation's policies only");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
