package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.config.AgentPaths;
import io.ccpolicy.agent.install.AgentSettings;
import io.ccpolicy.agent.install.ExistingPaths;
import io.ccpolicy.agent.install.ManagedDirectory;
import io.ccpolicy.agent.install.OsSandbox;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.agent.policy.BundleSync;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code settings}, {@code install} and {@code uninstall}: the managed settings that route Claude Code's hooks to the
 * daemon (plus what the policy compiles to native rules), printed, or written into Claude Code's managed directory.
 */
public final class InstallCommands {

    private InstallCommands() {
    }

    /** {@code settings [--port N] [--policy FILE] [--config agent.yaml] [--state-dir DIR]}. */
    public static int settings(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "settings");
        try {
            out.println(Json.write(build(args, err)));
            return 0;
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        }
    }

    /** {@code install [--managed-dir DIR] [--port N] [--policy FILE] [--config agent.yaml]}. */
    public static int install(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "install");
        ManagedDirectory managed = new ManagedDirectory(Path.of(args.option("managed-dir").orElse(ManagedDirectory.defaultDir().toString())));
        try {
            Map<String, Object> settings = build(args, err);
            managed.installOver(settings);
            out.println("Installed into " + managed.settingsFile() + " (hooks to 127.0.0.1:" + ServeCommand.port(args)
                    + "; 'hook-agent uninstall' restores the previous content)");
            if (settings.get("sandbox") instanceof Map<?, ?> sandbox && Boolean.TRUE.equals(sandbox.get("enabled"))
                    && !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).matches("(mac|windows).*")
                    && !OsSandbox.missingOnLinux().isEmpty()) {
                err.println("hook-agent: the policy confines Bash in Claude Code's OS sandbox, but " + OsSandbox.missingOnLinux()
                        + (OsSandbox.missingOnLinux().contains(" and ") ? " are" : " is") + " not installed"
                        + (Boolean.TRUE.equals(sandbox.get("failIfUnavailable")) ? ": Claude Code will refuse Bash commands until it is" : "")
                        + " (" + OsSandbox.INSTALL_HINT + ")");
            }
            return 0;
        } catch (AccessDeniedException e) {
            err.println("hook-agent: no permission to write " + e.getFile() + " (install as an administrator, or --managed-dir DIR)");
            return 1;
        } catch (IOException e) {
            err.println("hook-agent: cannot write managed settings: " + e.getMessage());
            return 1;
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        }
    }

    /** {@code uninstall [--managed-dir DIR]}: restores the managed settings exactly as they were before install. */
    public static int uninstall(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "uninstall");
        ManagedDirectory managed = new ManagedDirectory(Path.of(args.option("managed-dir").orElse(ManagedDirectory.defaultDir().toString())));
        try {
            if (managed.restore()) {
                out.println("Restored " + managed.settingsFile() + " to its content before install");
                return 0;
            }
            err.println("hook-agent: nothing to uninstall in " + managed.settingsFile().getParent());
            return 1;
        } catch (IOException e) {
            err.println("hook-agent: cannot restore managed settings: " + e.getMessage());
            return 1;
        }
    }

    /**
     * The settings for the policy in force: {@code --policy}, else the agent's last verified bundle from policy-service.
     * With neither, only the hooks can be written, and that is said: the serving agent rewrites the settings with the
     * policy's native rules and sandbox when its first bundle arrives.
     */
    private static Map<String, Object> build(Args args, PrintStream err) throws UsageException, PolicyFiles.Reported {
        int port = ServeCommand.port(args);
        Path stateDir = AgentPaths.stateDir(args.option("state-dir").orElse(null));
        Path config = Path.of(args.option("config").orElse(stateDir.resolve("agent.yaml").toString()));
        AgentConfig agent = null;
        if (Files.isRegularFile(config)) {
            try {
                agent = AgentConfig.load(config, stateDir);
            } catch (AgentConfig.InvalidConfig e) {
                err.println("hook-agent: " + e.getMessage());
                throw new PolicyFiles.Reported(1);
            } catch (IOException e) {
                err.println("hook-agent: cannot read " + config + ": " + e.getMessage());
                throw new PolicyFiles.Reported(1);
            }
        }
        PolicyDocument document = args.option("policy").isPresent() ? PolicyFiles.load(Path.of(args.option("policy").get()), err)
                : agent != null && agent.server().enabled() ? cachedBundle(agent, stateDir, err) : null;
        if (document == null) {
            err.println("hook-agent: no policy in force yet (no --policy and no verified bundle in " + stateDir + "): the settings carry "
                    + "the hooks only; 'serve --managed-dir' rewrites them with the policy's native rules and OS sandbox when its first "
                    + "bundle arrives");
        }
        Identity identity = agent == null ? Identity.of("") : agent.identity();
        String project = agent == null ? "" : agent.server().project();
        Path home = Path.of(args.option("home").orElse(System.getProperty("user.home")));
        return AgentSettings.build(port, document, identity, project, Instant.now(), new ExistingPaths(home));
    }

    private static PolicyDocument cachedBundle(AgentConfig agent, Path stateDir, PrintStream err) throws PolicyFiles.Reported {
        Clock clock = Clock.systemUTC();
        AgentLog log = new AgentLog(err);
        PolicyHolder holder = new PolicyHolder(null, clock, log, problems -> { });
        BundleSync sync = ServeCommand.bundleSync(agent, holder, stateDir, log, err, clock);
        if (sync == null) {
            throw new PolicyFiles.Reported(1);
        }
        Optional<String> refused = sync.activateCached();
        if (refused.isPresent()) {
            err.println("hook-agent: " + refused.get());
            return null;
        }
        return holder.active().engine().document();
    }
}
