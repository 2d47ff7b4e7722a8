package io.ccpolicy.engine.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.parse.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exception request under the violation box is one line that a real shell reads back as the exact arguments. */
class ViolationCommandTest {

    @Test
    void theCommandPastedIntoAShellCarriesThePolicyAndTheValueIntact() throws Exception {
        var policy = PolicyParser.parse("p.yaml", "version: \"1.0\"\norganization: Acme\npolicies:\n"
                + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n").policies().get(0);
        String value = "curl 'https://x.example/?a=1&b=2' && rm -rf \"$HOME\" `id`";
        String rendered = ViolationBox.render(policy, "rm -rf is not allowed", value, false, "");
        String command = rendered.substring(rendered.lastIndexOf('\n') + 1);
        assertThat(rendered.substring(0, rendered.lastIndexOf('\n'))).endsWith("+").contains("Run the command below this box");
        assertThat(command).startsWith("hook-agent request-exception --policy no-rm --value ");

        Process bash = new ProcessBuilder("bash", "-c", "printf '%s\\n' " + command.substring("hook-agent ".length())).start();
        String args = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(args.lines().toList()).containsExactly("request-exception", "--policy", "no-rm", "--value", value, "--reason",
                "<business justification>");
        assertThat(ViolationBox.render(policy, "m", "x".repeat(301), false, "")).as("a value too long for a command is left out")
                .endsWith("--policy no-rm --reason '<business justification>'");
    }
}
