package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentPaths;
import io.ccpolicy.agent.policy.DeveloperLogin;
import io.ccpolicy.agent.policy.MachineEnrolment;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * {@code login [--server URL [--trust-key SHA256:…]] [--client-id ID] [--config agent.yaml] [--state-dir DIR]}: on a
 * machine without agent.yaml, joins the platform at {@code --server} first; signs the developer in with the device
 * authorization grant against the identity provider of agent.yaml's server section, then enrols the machine's key for
 * the developer; {@code enroll} enrols it again (a new key, or after a failed attempt); {@code logout} forgets the sign-in.
 */
public final class LoginCommand {

    private LoginCommand() {
    }

    public static int login(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "login");
        Path stateDir = AgentPaths.stateDir(args.option("state-dir").orElse(null));
        if (!JoinPlatform.ifNeeded(args, configFile(args, stateDir), stateDir, out, err)) {
            return 1;
        }
        AgentConfig agent = config(args, stateDir, err);
        if (agent == null) {
            return 1;
        }
        if (!agent.server().enabled()) {
            err.println("hook-agent: login needs agent.yaml's server section (the identity provider's token_url): without a policy server "
                    + "the agent enforces local files and has nobody to sign in to");
            return 1;
        }
        DeveloperLogin login = new DeveloperLogin(stateDir, agent.server().tokenUrl(), args.option("client-id").orElse(agent.server().signInClient()),
                Clock.systemUTC());
        return reporting(err, () -> signIn(login, agent, stateDir, out));
    }

    /** The device grant on the terminal, then the machine's enrolment for whoever signed in. */
    static void signIn(DeveloperLogin login, AgentConfig agent, Path stateDir, PrintStream out) throws IOException, InterruptedException {
        DeveloperLogin.Started started = login.start();
        out.println("To sign in, open " + started.verificationUri() + " and enter the code " + started.userCode());
        if (started.verificationUriComplete() != null) {
            out.println("(or open " + started.verificationUriComplete() + ")");
        }
        out.println("Waiting for the sign-in to be approved...");
        out.flush();
        DeveloperLogin.Session session = login.complete(started);
        out.println("Signed in as " + session.email() + (session.teams().isEmpty() ? "" : " (teams " + String.join(", ", session.teams()) + ")")
                + (session.refreshExpiresAt() == null ? "" : ", until " + session.refreshExpiresAt() + " unless used before")
                + ". The running agent takes this identity at its next sync; bundles are now issued for you.");
        String keyId = MachineEnrolment.enrol(agent, stateDir, login.get());
        out.println("Machine " + agent.machineId() + " enrolled for " + session.email() + " (key " + keyId + "): its audit events are signed with it");
    }

    public static int enroll(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "enroll");
        Path stateDir = AgentPaths.stateDir(args.option("state-dir").orElse(null));
        AgentConfig agent = config(args, stateDir, err);
        if (agent == null) {
            return 1;
        }
        if (!agent.server().enabled() || !DeveloperLogin.signedIn(stateDir)) {
            err.println("hook-agent: enroll needs agent.yaml's server section and a signed-in developer ('hook-agent login' enrols too)");
            return 1;
        }
        return reporting(err, () -> {
            String token = new DeveloperLogin(stateDir, agent.server().tokenUrl(), args.option("client-id").orElse(agent.server().signInClient()),
                    Clock.systemUTC()).get();
            out.println("Machine " + agent.machineId() + " enrolled (key " + MachineEnrolment.enrol(agent, stateDir, token) + ")");
        });
    }

    /** A step that talks to the identity provider and policy-service. */
    interface Remote {
        void run() throws IOException, InterruptedException;
    }

    /** Runs {@code step}; 0 when it succeeded, else 1 with what went wrong said on {@code err}. */
    static int reporting(PrintStream err, Remote step) {
        try {
            step.run();
            return 0;
        } catch (IOException e) {
            err.println("hook-agent: not reachable: " + e.getMessage());
            return 1;
        } catch (IllegalStateException e) {
            err.println("hook-agent: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    public static int logout(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "logout");
        Path stateDir = AgentPaths.stateDir(args.option("state-dir").orElse(null));
        try {
            if (DeveloperLogin.logout(stateDir)) {
                out.println("Signed out: the agent uses the machine's own credentials (organisation policies only) from its next sync");
                return 0;
            }
            err.println("hook-agent: nobody is signed in on this machine");
            return 1;
        } catch (IOException e) {
            err.println("hook-agent: cannot sign out: " + e.getMessage());
            return 1;
        }
    }

    private static Path configFile(Args args, Path stateDir) {
        return Path.of(args.option("config").orElse(stateDir.resolve("agent.yaml").toString()));
    }

    private static AgentConfig config(Args args, Path stateDir, PrintStream err) {
        Path file = configFile(args, stateDir);
        if (!Files.isRegularFile(file)) {
            err.println("hook-agent: no agent configuration at " + file + " (--config FILE)");
            return null;
        }
        try {
            return AgentConfig.load(file, stateDir);
        } catch (AgentConfig.InvalidConfig e) {
            err.println("hook-agent: " + e.getMessage());
            return null;
        } catch (IOException e) {
            err.println("hook-agent: cannot read " + file + ": " + e.getMessage());
            return null;
        }
    }
}
