package io.ccpolicy.agent.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.agent.HookAgentMainAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallTest {

    @TempDir
    Path dir;

    private int run(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        return HookAgentMainAccess.run(args, new PrintStream(sink, true, StandardCharsets.UTF_8), new PrintStream(sink, true, StandardCharsets.UTF_8));
    }

    @Test
    void installKeepsWhatIsThereAndUninstallRestoresItByteForByte() throws Exception {
        Path managed = Files.createDirectories(dir.resolve("managed"));
        String original = "{\n  \"companyAnnouncements\": [\"hi\"],\n  \"permissions\": {\"deny\": [\"Bash(rm:*)\"]},\n"
                + "  \"hooks\": {\"PreToolUse\": [{\"matcher\": \"Bash\", \"hooks\": [{\"type\": \"command\", \"command\": \"/opt/other\"}]}]}\n}\n";
        Files.writeString(managed.resolve("managed-settings.json"), original);
        Path policy = Files.writeString(dir.resolve("p.yaml"), """
                version: "1.0"
                organization: Acme
                policies:
                  - {name: tools, type: denylist, target: tool, values: [NotebookEdit], severity: error}
                claude_code:
                  availableModels: [sonnet]
                """);

        assertThat(run("install", "--managed-dir", managed.toString(), "--port", "9999", "--policy", policy.toString(),
                "--state-dir", dir.resolve("state").toString())).isZero();
        assertThat(run("install", "--managed-dir", managed.toString(), "--port", "9998", "--policy", policy.toString(),
                "--state-dir", dir.resolve("state").toString())).as("reinstall replaces, never duplicates").isZero();
        String installed = Files.readString(managed.resolve("managed-settings.json"));
        assertThat(installed).contains("\"companyAnnouncements\"").contains("/opt/other").contains("Bash(rm:*)").contains("NotebookEdit")
                .contains("\"availableModels\"").contains("http://127.0.0.1:9998/hooks/PreToolUse").doesNotContain("9999")
                .contains("\"onFailure\" : \"block\"").contains("/hooks/SessionStart");
        assertThat(installed.split("http://127.0.0.1:9998/hooks/PreToolUse", -1)).hasSize(2);

        assertThat(run("uninstall", "--managed-dir", managed.toString())).isZero();
        assertThat(Files.readString(managed.resolve("managed-settings.json"))).isEqualTo(original);
        assertThat(run("uninstall", "--managed-dir", managed.toString())).isEqualTo(1);
    }

    @Test
    void uninstallRemovesWhatInstallCreated() throws Exception {
        Path managed = dir.resolve("fresh/claude-code");
        assertThat(run("install", "--managed-dir", managed.toString(), "--state-dir", dir.resolve("state").toString())).isZero();
        assertThat(managed.resolve("managed-settings.json")).exists();
        assertThat(run("uninstall", "--managed-dir", managed.toString())).isZero();
        assertThat(managed).doesNotExist();
    }

    @Test
    void failOpenIsTheOrganisationsChoice() throws Exception {
        Path policy = Files.writeString(dir.resolve("p.yaml"), "version: \"1.0\"\norganization: Acme\npolicies: []\nenforcement: {fail_mode: open}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HookAgentMainAccess.run(new String[] {"settings", "--policy", policy.toString(), "--state-dir", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("/hooks/PreToolUse").doesNotContain("onFailure");
    }
}
