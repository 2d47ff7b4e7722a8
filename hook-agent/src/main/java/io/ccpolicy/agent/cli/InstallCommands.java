package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.daemon.AgentConfig;
import io.ccpolicy.agent.daemon.AgentPaths;
import io.ccpolicy.agent.install.AgentSettings;
import io.ccpolicy.agent.install.ManagedDirectory;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code settings}, {@code install} and {@code uninstall}: the managed settings that route Claude Code's hooks to the
 * daemon (plus what the policy compiles to native rules), printed, or written into Claude Code's managed directory.
 */
public final class InstallCommands {

    private static final Set<String> OPTIONS = Set.of("port", "policy", "config", "state-dir", "managed-dir");

    private InstallCommands() {
    }

    /** {@code settings [--port N] [--policy FILE] [--config agent.yaml] [--state-dir DIR]}. */
    public static int settings(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, OPTIONS, Set.of());
        try {
            out.println(Json.write(build(args, err)));
            return 0;
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        }
    }

    /** {@code install [--managed-dir DIR] [--port N] [--policy FILE] [--config agent.yaml]}. */
    public static int install(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, OPTIONS, Set.of());
        ManagedDirectory managed = new ManagedDirectory(Path.of(args.option("managed-dir").orElse(ManagedDirectory.defaultDir().toString())));
        try {
            managed.installOver(build(args, err));
            out.println("Installed into " + managed.settingsFile() + " (hooks to 127.0.0.1:" + ServeCommand.port(args)
                    + "; 'hook-agent uninstall' restores the previous content)");
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
        Args args = Args.parse(argv, OPTIONS, Set.of());
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

    private static Map<String, Object> build(Args args, PrintStream err) throws UsageException, PolicyFiles.Reported {
        int port = ServeCommand.port(args);
        PolicyDocument document = args.option("policy").isPresent() ? PolicyFiles.load(Path.of(args.option("policy").get()), err) : null;
        Path stateDir = AgentPaths.stateDir(args.option("state-dir").orElse(null));
        Path config = Path.of(args.option("config").orElse(stateDir.resolve("agent.yaml").toString()));
        Identity identity = Identity.of("");
        if (Files.isRegularFile(config)) {
            try {
                identity = AgentConfig.load(config, stateDir).identity();
            } catch (AgentConfig.InvalidConfig e) {
                err.println("hook-agent: " + e.getMessage());
                throw new PolicyFiles.Reported(1);
            } catch (IOException e) {
                err.println("hook-agent: cannot read " + config + ": " + e.getMessage());
                throw new PolicyFiles.Reported(1);
            }
        }
        return AgentSettings.build(port, document, identity, "", Instant.now());
    }
}
