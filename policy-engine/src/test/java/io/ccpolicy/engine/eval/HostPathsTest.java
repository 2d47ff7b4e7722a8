package io.ccpolicy.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.HostPaths;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.parse.PolicyParser;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host's knowledge of its paths: a link's real target, case-insensitive and Windows file systems. */
class HostPathsTest {

    private static final PolicyEngine ENGINE = engine();

    private static PolicyEngine engine() {
        try {
            return PolicyEngine.compile(PolicyParser.parse("p.yaml", """
                    version: "1.0"
                    organization: Acme
                    policies:
                      - {name: write-areas, type: allowlist, target: writePath, values: ["/home/**", "C:\\\\Users\\\\**"], severity: error}
                      - {name: secrets, type: denylist, target: readPath, values: ["~/.ssh/*"], severity: error}
                    """), "1", Clock.systemUTC(), () -> "d");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A machine where /home/bob/proj/etc-link leads to /etc and /home/bob/proj/key to ~/.ssh/id_rsa. */
    private static final HostPaths LINKS = new HostPaths() {
        @Override
        public String realPath(String path) {
            if (path.startsWith("/home/bob/proj/etc-link")) {
                return "/etc" + path.substring("/home/bob/proj/etc-link".length());
            }
            return path.equals("/home/bob/proj/key") ? "/home/bob/.ssh/id_rsa" : path;
        }

        @Override
        public boolean caseInsensitive() {
            return false;
        }
    };

    /** A machine without links, whose names may compare case-insensitively and whose paths may be Windows paths. */
    private record FileSystem(boolean caseInsensitive, boolean windows) implements HostPaths {
        @Override
        public String realPath(String path) {
            return path;
        }
    }

    private static Verdict decide(String tool, Map<String, Object> input, HostPaths paths, String cwd, String home) {
        Map<String, Object> payload = Map.of("hook_event_name", "PreToolUse", "tool_name", tool, "tool_input", input, "cwd", cwd,
                "session_id", "s");
        Decision decision = ENGINE.evaluate(new DecisionRequest(HookEvent.of(payload), Identity.of("bob@acme.com"), "proj",
                SessionState.NEW, null, home, paths));
        return decision.verdict();
    }

    @Test
    void aSymbolicLinkIsJudgedByWhereItLeads() {
        assertThat(decide("Write", Map.of("file_path", "/home/bob/proj/etc-link/hosts", "content", "x"), HostPaths.LEXICAL,
                "/home/bob/proj", "/home/bob")).as("lexically inside home").isEqualTo(Verdict.ALLOW);
        assertThat(decide("Write", Map.of("file_path", "/home/bob/proj/etc-link/hosts", "content", "x"), LINKS, "/home/bob/proj",
                "/home/bob")).isEqualTo(Verdict.DENY);
        assertThat(decide("Bash", Map.of("command", "echo x > etc-link/hosts"), LINKS, "/home/bob/proj", "/home/bob")).isEqualTo(Verdict.DENY);
        assertThat(decide("Bash", Map.of("command", "rm -f etc-link/*.conf"), LINKS, "/home/bob/proj", "/home/bob")).isEqualTo(Verdict.DENY);
        assertThat(decide("Read", Map.of("file_path", "/home/bob/proj/key"), LINKS, "/home/bob/proj", "/home/bob")).isEqualTo(Verdict.DENY);
        assertThat(decide("Bash", Map.of("command", "cat key"), LINKS, "/home/bob/proj", "/home/bob")).isEqualTo(Verdict.DENY);
        assertThat(decide("Bash", Map.of("command", "echo x > notes.txt"), LINKS, "/home/bob/proj", "/home/bob")).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void procSelfRootIsTheRoot() {
        assertThat(decide("Write", Map.of("file_path", "/proc/self/root/etc/hosts", "content", "x"), HostPaths.LEXICAL, "/home/bob/proj",
                "/home/bob")).isEqualTo(Verdict.DENY);
        assertThat(decide("Read", Map.of("file_path", "/proc/1/root/home/bob/.ssh/id_rsa"), HostPaths.LEXICAL, "/home/bob/proj",
                "/home/bob")).isEqualTo(Verdict.DENY);
    }

    @Test
    void onACaseInsensitiveFileSystemCaseDoesNotEscapeAPolicy() {
        HostPaths mac = new FileSystem(true, false);
        assertThat(decide("Read", Map.of("file_path", "/home/bob/.SSH/ID_RSA"), HostPaths.LEXICAL, "/home/bob", "/home/bob"))
                .as("on Linux .SSH is another directory").isEqualTo(Verdict.ALLOW);
        assertThat(decide("Read", Map.of("file_path", "/home/bob/.SSH/ID_RSA"), mac, "/home/bob", "/home/bob")).isEqualTo(Verdict.DENY);
        assertThat(decide("Write", Map.of("file_path", "/HOME/bob/x", "content", "x"), mac, "/home/bob", "/home/bob")).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void windowsDriveLettersAndBackslashesAreNormalised() {
        HostPaths windows = new FileSystem(true, true);
        assertThat(decide("Write", Map.of("file_path", "c:\\users\\bob\\x.txt", "content", "x"), windows, "C:\\Users\\bob", "C:\\Users\\bob"))
                .isEqualTo(Verdict.ALLOW);
        assertThat(decide("Write", Map.of("file_path", "C:\\Windows\\System32\\x.dll", "content", "x"), windows, "C:\\Users\\bob",
                "C:\\Users\\bob")).isEqualTo(Verdict.DENY);
        assertThat(decide("Write", Map.of("file_path", "C:\\Users\\bob\\..\\..\\Windows\\x", "content", "x"), windows, "C:\\Users\\bob",
                "C:\\Users\\bob")).isEqualTo(Verdict.DENY);
    }
}
