package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.audit.AuditEvents;
import io.ccpolicy.agent.audit.AuditSpool;
import io.ccpolicy.agent.audit.AuditShipper;
import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.config.AgentPaths;
import io.ccpolicy.agent.hook.HookGate;
import io.ccpolicy.agent.config.HookSecret;
import io.ccpolicy.agent.hook.HookService;
import io.ccpolicy.agent.hook.WarmUp;
import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.install.ClaudeUserSettings;
import io.ccpolicy.agent.install.ManagedDirectory;
import io.ccpolicy.agent.install.ManagedSettingsFollower;
import io.ccpolicy.agent.policy.BundleSync;
import io.ccpolicy.agent.policy.ClientCredentials;
import io.ccpolicy.agent.policy.DeveloperLogin;
import io.ccpolicy.agent.policy.ForwardClock;
import io.ccpolicy.agent.policy.MachineKey;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.agent.policy.SignedState;
import io.ccpolicy.agent.server.HookServer;
import io.ccpolicy.engine.parse.PolicyValidationException;
import io.ccpolicy.engine.sign.Ed25519;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve --policy FILE|DIR | --server URL [--trust-key SHA256:…] [--config agent.yaml] [--state-dir DIR] [--port N]
 * [--home DIR]}: the daemon Claude Code's hooks call, on 127.0.0.1 only. With {@code --server} on a machine without
 * agent.yaml it joins the platform first, and signs the developer in when nobody is. Runs until stopped (SIGTERM or SIGINT).
 */
public final class ServeCommand {

    static final int MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
    /** Rounds of everyday calls answered at start-up, so the first real ones meet compiled code (28 calls a round). */
    static final int WARM_UP_ROUNDS = 100;

    private ServeCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        long started = System.nanoTime();
        Args args = Args.parse(argv, "serve");
        Path stateDir = AgentPaths.stateDir(args.option("state-dir").orElse(null));
        Path configFile = Path.of(args.option("config").orElse(stateDir.resolve("agent.yaml").toString()));
        int port = port(args);
        String home = args.option("home").orElse(System.getProperty("user.home"));
        AgentLog log = new AgentLog(err);
        AgentConfig agent;
        if (args.option("policy").isEmpty() && !JoinPlatform.ifNeeded(args, configFile, stateDir, out, err)) {
            return 1;
        }
        try {
            Files.createDirectories(stateDir);
            if (!Files.isRegularFile(configFile)) {
                err.println("hook-agent: no agent configuration at " + configFile + "; write one like:\n"
                        + "  organization: Acme Corporation\n  user:\n    email: you@acme.com\n    teams: [platform]");
                return 1;
            }
            agent = AgentConfig.load(configFile, stateDir);
        } catch (AgentConfig.InvalidConfig e) {
            err.println("hook-agent: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("hook-agent: cannot use the state directory " + stateDir + ": " + e.getMessage());
            return 1;
        }
        SignedState signed;
        try {
            signed = SignedState.open(stateDir);
        } catch (IOException e) {
            err.println("hook-agent: cannot use the state directory " + stateDir + ": " + e.getMessage());
            return 1;
        }
        // Grants expire by a clock that never runs back: not before the latest time this agent saw, plus monotonic time.
        ForwardClock clock = new ForwardClock(Clock.systemUTC(), signed, log);
        try (AuditSpool audit = new AuditSpool(stateDir)) {
            audit.signWith(MachineKey.load(stateDir));
            AuditEvents events = new AuditEvents(agent, clock);
            if (args.option("server").isPresent()) {
                if (!agent.server().enabled()) {
                    err.println("hook-agent: --server needs a server section in " + configFile
                            + " (public_key, token_url, client_id, client_secret_file)");
                    return 1;
                }
                String url = args.option("server").get();
                if (!url.matches("https?://[^\\s]+")) {
                    throw new UsageException("--server must be the http(s) URL of policy-service, got '" + url + "'");
                }
                agent = agent.withServer(agent.server().withUrl(java.net.URI.create(url)));
            }
            boolean fromServer = agent.server().enabled() && args.option("policy").isEmpty();
            if (fromServer && !agent.server().machineCredentials() && !DeveloperLogin.signedIn(stateDir)) {
                // Bundles are issued to a signed-in developer only: sign in here rather than start with nothing to enforce.
                AgentConfig joined = agent;
                if (LoginCommand.reporting(err, () -> LoginCommand.signIn(new DeveloperLogin(stateDir, joined.server().tokenUrl(),
                        joined.server().signInClient(), Clock.systemUTC()), joined, stateDir, out)) != 0) {
                    return 1;
                }
            }
            PolicyHolder policy = new PolicyHolder(fromServer ? null : Path.of(args.required("policy")), clock, log,
                    problems -> audit.append(events.error("PolicyReload", Map.of(), "policy edit refused, " + problems.size()
                            + " problem(s): " + problems.get(0))));
            BundleSync sync = null;
            if (fromServer) {
                sync = startSync(agent, policy, stateDir, log, err, clock, signed);
                if (sync == null) {
                    return 1;
                }
            } else {
                try {
                    policy.loadInitial();
                } catch (PolicyValidationException e) {
                    e.problems().forEach(err::println);
                    err.println("hook-agent: the policy has " + e.problems().size() + " problem(s); not starting");
                    return 1;
                } catch (IOException e) {
                    err.println("hook-agent: cannot read the policy: " + e.getMessage());
                    return 1;
                }
            }
            HookService service = new HookService(policy, agent, new Workspace(home), audit, log, clock);
            if (sync != null) {
                service.reportSync(sync::statusMap);
            }
            AuditShipper shipper = null;
            if (agent.server().enabled() || AuditShipper.hasDestination(agent, policy.active().engine().document().audit())) {
                shipper = new AuditShipper(audit, stateDir, agent, () -> policy.active().engine().document().audit(),
                        serverToken(agent, stateDir, clock), log);
                service.reportShipping(shipper::statusMap);
            }
            try {
                service.recoverInterrupted();
            } catch (IOException e) {
                // the journal stays for the next start; refusing every tool call for it would be worse
                log.warn("cannot read the audit intake journal to record calls a crash interrupted: " + e.getMessage());
            }
            HookSecret secret = HookSecret.load(stateDir);
            try {
                if (ClaudeUserSettings.ensureHookSecret(Path.of(home), secret)) {
                    log.info("wrote the hook secret into " + ClaudeUserSettings.file(Path.of(home)) + "; Claude Code sessions started before "
                            + "now must be restarted");
                }
            } catch (IOException e) {
                log.warn("cannot give Claude Code the hook secret (" + e.getMessage() + "): its hook calls will be refused until "
                        + ClaudeUserSettings.file(Path.of(home)) + " sets env." + HookSecret.ENV);
            }
            HookServer server;
            try {
                server = new HookServer(port, MAX_PAYLOAD_BYTES, 256, new HookGate(secret, service, log));
            } catch (BindException e) {
                err.println("hook-agent: port " + port + " on 127.0.0.1 is in use (another agent running? 'hook-agent status')");
                return 1;
            }
            Files.writeString(stateDir.resolve("agent.port"), server.port() + "\n");
            if (sync != null && args.option("managed-dir").isPresent()) {
                ManagedSettingsFollower.follow(sync, policy, new ManagedDirectory(Path.of(args.option("managed-dir").get())), agent, server.port(),
                        Path.of(home), log);
            }
            Files.writeString(stateDir.resolve("agent.pid"), ProcessHandle.current().pid() + "\n");
            ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "policy-watch");
                t.setDaemon(true);
                return t;
            });
            watcher.scheduleWithFixedDelay(policy::reloadIfChanged, 500, 500, TimeUnit.MILLISECONDS);
            // fsync batched: at most ~50 ms of recorded events are exposed to a power loss.
            watcher.scheduleWithFixedDelay(() -> {
                audit.forceIfDirty();
                service.forceJournal();
            }, 50, 50, TimeUnit.MILLISECONDS);
            // the time seen, kept across restarts, so a clock set back while the agent was down revives no grant either
            watcher.scheduleWithFixedDelay(clock::persist, 1, 1, TimeUnit.MINUTES);
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stop.countDown();
            }, "hook-agent-stop"));
            PolicyHolder.Active active = policy.active();
            log.info("hook-agent ready on 127.0.0.1:" + server.port() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms: "
                    + active.engine().document().organization() + ", " + active.engine().document().policies().size()
                    + " policies from " + active.file() + ", user " + active.identityOr(agent.identity()).email() + ", audit to " + audit.file()
                    + (shipper != null ? " shipped to " + (active.engine().document().audit().httpDestination().map(Object::toString)
                            .orElse("Kafka topic " + agent.shipping().topic())) : " (not shipped: no audit destination in the policy, no audit.kafka in agent.yaml)"));
            out.flush();
            // a workspace of its own: the real one's caches keep no entry for the scratch project
            WarmUp warm = new WarmUp(policy, agent, new Workspace(home), log, clock);
            Thread warmUp = new Thread(() -> {
                try {
                    long began = System.nanoTime();
                    int calls = warm.run(stateDir.resolve("warm-up"), WARM_UP_ROUNDS);
                    log.info("warmed up: " + calls + " everyday calls answered over HTTP in " + (System.nanoTime() - began) / 1_000_000
                            + " ms by a copy of the answering stack, recorded nowhere");
                } catch (IOException | RuntimeException e) {
                    log.warn("the warm-up stopped (calls are answered all the same, only slower at first): " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "warm-up");
            warmUp.setDaemon(true);
            warmUp.setPriority(Thread.MIN_PRIORITY);
            warmUp.start();
            stop.await();
            watcher.shutdownNow();
            if (sync != null) {
                sync.close();
            }
            if (shipper != null) {
                shipper.close();
            }
            log.info("hook-agent stopped");
            return 0;
        } catch (IOException e) {
            err.println("hook-agent: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * Policy from policy-service: the cached bundle at once if it verifies, else one request; with neither there is
     * nothing to enforce and the agent does not start (Claude Code's hooks then fail closed). Null when not started.
     */
    private static BundleSync startSync(AgentConfig agent, PolicyHolder policy, Path stateDir, AgentLog log, PrintStream err, ForwardClock clock,
            SignedState signed) {
        BundleSync sync = bundleSync(agent, policy, stateDir, log, err, clock);
        if (sync == null) {
            return null;
        }
        sync.guardFreshness(signed, clock);
        Optional<String> cached = sync.activateCached();
        if (cached.isPresent()) {
            log.info(cached.get() + "; asking " + agent.server().url());
            if (!sync.syncOnce(0) || sync.active().isEmpty()) {
                err.println("hook-agent: " + cached.get() + ", and " + agent.server().url() + " gave none ("
                        + sync.statusMap().get("lastError") + "); not starting: there is no policy to enforce");
                return null;
            }
        }
        sync.start();
        return sync;
    }

    /** A bundle sync trusting the configured signing keys; null (and said why) when a key is unusable. */
    static BundleSync bundleSync(AgentConfig agent, PolicyHolder policy, Path stateDir, AgentLog log, PrintStream err, Clock clock) {
        List<PublicKey> keys = new ArrayList<>();
        for (Path file : agent.server().publicKeys()) {
            try {
                keys.add(Ed25519.publicKey(Files.readString(file)));
            } catch (IOException | IllegalArgumentException e) {
                err.println("hook-agent: the bundle signing key " + file + " is not usable: " + e.getMessage());
                return null;
            }
        }
        return new BundleSync(agent, policy, stateDir, keys, serverToken(agent, stateDir, clock), log, clock);
    }

    /** The signed-in developer's token when there is one (login may happen while the agent runs), else the machine's client. */
    static java.util.function.Supplier<String> serverToken(AgentConfig agent, Path stateDir, Clock clock) {
        if (!agent.server().enabled()) {
            return () -> {
                throw new IllegalStateException("no token for the audit destination: this agent has joined no platform "
                        + "('hook-agent login --server URL')");
            };
        }
        ClientCredentials machine = new ClientCredentials(agent.server(), clock);
        DeveloperLogin developer = new DeveloperLogin(stateDir, agent.server().tokenUrl(), agent.server().signInClient(), clock);
        return () -> {
            if (DeveloperLogin.signedIn(stateDir)) {
                return developer.get();
            }
            if (!agent.server().machineCredentials()) {
                throw new IllegalStateException("nobody is signed in on this machine: run 'hook-agent login'");
            }
            return machine.get();
        };
    }

    static int port(Args args) throws UsageException {
        String text = args.option("port").orElse(System.getenv().getOrDefault("CCPOLICY_AGENT_PORT", String.valueOf(AgentPaths.DEFAULT_PORT)));
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException("--port must be a port number, got '" + text + "'");
        }
    }
}
