package io.ccpolicy.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The command line read without picocli, for the daemon's start, gives what picocli gives; anything else goes to picocli. */
class ArgsTest {

    @Test
    void theDaemonsCommandLineIsReadWithoutPicocliAsPicocliReadsIt() throws Exception {
        List<String> serve = List.of("--policy", "/etc/ccpolicy/org.yaml", "--state-dir", "/var/lib/ccpolicy", "--port", "8765", "--home",
                "/home/dev", "--managed-dir", "/etc/claude-code");
        assertThat(Args.plain(serve, "serve")).as("taken without picocli").isPresent();
        assertThat(seen(Args.parse(serve, "serve"), "serve")).isEqualTo(seen(Args.parsedByPicocli(serve, "serve"), "serve"))
                .containsEntry("--port", "8765").containsEntry("--managed-dir", "/etc/claude-code");
        List<String> list = List.of("--list", "--state-dir", "/tmp/s");
        assertThat(Args.plain(list, "request-exception")).isPresent();
        assertThat(seen(Args.parse(list, "request-exception"), "request-exception"))
                .isEqualTo(seen(Args.parsedByPicocli(list, "request-exception"), "request-exception")).containsEntry("--list", "true");
        assertThat(Args.plain(List.of(), "serve")).isPresent();
    }

    @Test
    void everythingElseIsLeftToPicocliAndExplainedAsBefore() {
        for (List<String> argv : List.of(List.of("--polcy", "x.yaml"), List.of("--policy"), List.of("--policy", "--port", "1"),
                List.of("--policy=x.yaml"), List.of("--port", "1", "--port", "2"), List.of("--help"), List.of("-h"), List.of("stray"),
                List.of("--port", "-1"), List.of("--"))) {
            assertThat(Args.plain(argv, "serve")).as("%s is not taken without picocli", argv).isEmpty();
        }
        assertThatThrownBy(() -> Args.parse(List.of("--polcy", "x.yaml"), "serve")).isInstanceOf(UsageException.class)
                .hasMessageContaining("unknown option --polcy").hasMessageContaining("did you mean --policy");
        assertThatThrownBy(() -> Args.parse(List.of("--policy"), "serve")).isInstanceOf(UsageException.class)
                .hasMessageContaining("--policy needs a value");
        assertThat(Args.plain(List.of("--x"), "no-such-command")).isEmpty();
    }

    /** Every option and switch of the command as parsed: switches as "true". */
    private static Map<String, String> seen(Args args, String command) {
        Map<String, String> seen = new TreeMap<>();
        for (String name : CommandCatalog.options(command).keySet()) {
            args.option(name).ifPresent(v -> seen.put("--" + name, v));
            if (args.flag(name)) {
                seen.put("--" + name, "true");
            }
        }
        seen.put("positionals", String.join(" ", args.positionals()));
        return seen;
    }
}
