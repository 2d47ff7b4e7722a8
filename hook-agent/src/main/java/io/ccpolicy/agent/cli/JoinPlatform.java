package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.policy.PlatformSetup;
import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code --server URL [--trust-key SHA256:…]} on a machine without agent.yaml: asks policy-service how to join, pins
 * its bundle key (the fingerprint given, or one a person confirms on the terminal) and writes agent.yaml. Nothing else
 * is needed to configure an agent.
 */
final class JoinPlatform {

    private JoinPlatform() {
    }

    /** False when it could not join (and said why on {@code err}); true when agent.yaml exists or was written. */
    static boolean ifNeeded(Args args, Path configFile, Path stateDir, PrintStream out, PrintStream err) throws UsageException {
        Optional<String> server = args.option("server");
        if (server.isEmpty() || Files.isRegularFile(configFile)) {
            return true;
        }
        if (!server.get().matches("https?://[^\\s]+")) {
            throw new UsageException("--server must be the http(s) URL of policy-service, got '" + server.get() + "'");
        }
        PlatformSetup setup;
        try {
            setup = PlatformSetup.fetch(URI.create(server.get()));
        } catch (IOException e) {
            err.println("hook-agent: " + server.get() + " is not reachable: " + e.getMessage());
            return false;
        } catch (IllegalStateException e) {
            err.println("hook-agent: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        Optional<PlatformSetup.Key> pinned = pin(setup, args.option("trust-key"), out, err);
        if (pinned.isEmpty()) {
            return false;
        }
        try {
            Path written = setup.writeConfig(stateDir, pinned.get(), Instant.now());
            out.println("Joined " + (setup.organization().isBlank() ? server.get() : setup.organization()) + " at " + server.get()
                    + ": bundle key " + pinned.get().fingerprint() + " pinned, configuration in " + written);
            return true;
        } catch (IOException e) {
            err.println("hook-agent: cannot write the agent configuration into " + stateDir + ": " + e.getMessage());
            return false;
        }
    }

    private static Optional<PlatformSetup.Key> pin(PlatformSetup setup, Optional<String> trusted, PrintStream out, PrintStream err) {
        if (trusted.isPresent()) {
            Optional<PlatformSetup.Key> key = setup.key(trusted.get());
            if (key.isEmpty()) {
                err.println("hook-agent: " + setup.server() + " signs bundles with " + setup.keys().get(0).fingerprint() + ", not with the "
                        + trusted.get() + " you were given. Do not go on: ask your platform team which key is right.");
            }
            return key;
        }
        Console console = System.console();
        PlatformSetup.Key offered = setup.keys().get(0);
        if (console == null) {
            err.println("hook-agent: " + setup.server() + " signs bundles with the key " + offered.fingerprint() + ". Compare it with the "
                    + "fingerprint your platform team published, then run again with --trust-key " + offered.fingerprint());
            return Optional.empty();
        }
        out.println(setup.server() + " signs policy bundles with the key\n  " + offered.fingerprint()
                + "\nThis machine will enforce only policies signed with it. Compare it with the fingerprint your platform team published.");
        String answer = console.readLine("Pin this key? [y/N] ");
        if (answer != null && answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
            return Optional.of(offered);
        }
        err.println("hook-agent: key not pinned; nothing was changed");
        return Optional.empty();
    }
}
