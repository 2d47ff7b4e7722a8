package io.ccpolicy.agent.install;

import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.settings.SandboxCompiler;
import io.ccpolicy.engine.settings.SandboxPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Whether Claude Code's OS sandbox confines Bash on this machine under the policy in force: what the policy asks
 * ({@code enforcement.os_sandbox}) and what the machine has (bubblewrap and socat on Linux, Seatbelt built into macOS,
 * nothing on Windows, where hooks alone enforce).
 */
public record OsSandbox(SandboxPlan.Mode mode, boolean available, String summary) {

    public static OsSandbox of(PolicyDocument document) {
        SandboxPlan.Mode mode = SandboxCompiler.mode(document);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return new OsSandbox(mode, false, mode == SandboxPlan.Mode.OFF ? "off (the policy does not ask for it)"
                    : "not available on Windows: Claude Code has no OS sandbox there, the hooks alone enforce");
        }
        boolean available = availableHere();
        String summary = switch (mode) {
            case OFF -> "off (the policy does not ask for it)";
            case REQUIRED -> available ? "required, active: every Bash command runs confined but those proven read-only, when the policy lets them skip it" : "required, but " + missingOnLinux()
                    + " missing: Claude Code refuses Bash commands until installed (" + INSTALL_HINT + ")";
            case BEST_EFFORT -> available ? "best-effort, active: every Bash command runs confined but those proven read-only, when the policy lets them skip it"
                    : "best-effort, NOT active: " + missingOnLinux() + " missing (" + INSTALL_HINT + "); the hooks alone enforce";
        };
        return new OsSandbox(mode, available, summary);
    }

    /** Whether Claude Code can sandbox Bash on this machine: macOS, or Linux with bubblewrap and socat. */
    public static boolean availableHere() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.startsWith("mac") || (os.startsWith("linux") && missingOnLinux().isEmpty());
    }

    public static final String INSTALL_HINT = "Debian/Ubuntu: sudo apt-get install bubblewrap socat; Fedora: sudo dnf install bubblewrap socat";

    /** "bubblewrap and socat", "socat", or "" when both are on the machine. */
    public static String missingOnLinux() {
        boolean bwrap = onPath("bwrap");
        boolean socat = onPath("socat");
        return bwrap && socat ? "" : !bwrap && !socat ? "bubblewrap and socat" : !bwrap ? "bubblewrap" : "socat";
    }

    private static boolean onPath(String binary) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/bin", "/bin", "/usr/local/bin"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, binary)));
    }
}
