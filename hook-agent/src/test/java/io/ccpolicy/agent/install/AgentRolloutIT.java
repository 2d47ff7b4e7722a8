package io.ccpolicy.agent.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ccpolicy.agent.config.AgentPaths;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The rollout artefacts in deploy/agent agree with the agent: the systemd unit, the launchd daemon and the Windows
 * service all run the same {@code serve} with the port the installed hooks call and the managed directory Claude Code
 * reads on that system; and the Linux install script, run into a scratch root with the packaged agent, stages an agent
 * whose managed settings route every hook to that port and which starts from the unit's own command line.
 */
class AgentRolloutIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path AGENT = ROOT.resolve("deploy/agent");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyServiceDefinitionRunsTheSameServeWithThePortAndManagedDirectoryOfItsSystem() throws Exception {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("Linux", systemdExecStart());
        commands.put("Mac OS X", launchdProgramArguments());
        commands.put("Windows 11", winswArguments());
        for (Map.Entry<String, List<String>> command : commands.entrySet()) {
            Map<String, String> options = serveOptions(command.getValue());
            assertThat(options).as("%s: %s", command.getKey(), command.getValue())
                    .containsOnlyKeys("config", "state-dir", "managed-dir", "port", "home")
                    .containsEntry("port", String.valueOf(AgentPaths.DEFAULT_PORT))
                    .containsEntry("managed-dir", ManagedDirectory.defaultDirOn(command.getKey()));
            assertThat(options.get("config")).endsWith("agent.yaml");
        }
        String unit = Files.readString(AGENT.resolve("linux/ccpolicy-agent.service"));
        Map<String, String> linux = serveOptions(commands.get("Linux"));
        assertThat(unit).as("the hardened unit may write only its state and the managed settings")
                .contains("ReadWritePaths=" + linux.get("state-dir") + " " + linux.get("managed-dir"));
        // The scripts that write the managed settings at install use the same port and directory as the daemon.
        assertThat(Files.readString(AGENT.resolve("linux/configure")))
                .contains("MANAGED=\"$ROOT" + linux.get("managed-dir") + "\"").contains("install --managed-dir \"$MANAGED\" --port " + AgentPaths.DEFAULT_PORT);
        Map<String, String> mac = serveOptions(commands.get("Mac OS X"));
        assertThat(Files.readString(AGENT.resolve("macos/postinstall")))
                .contains("MANAGED=\"" + mac.get("managed-dir") + "\"").contains("install --managed-dir \"$MANAGED\" --port " + AgentPaths.DEFAULT_PORT);
        assertThat(Files.readString(AGENT.resolve("windows/install.ps1")))
                .contains("$managed = Join-Path $env:ProgramFiles 'ClaudeCode'").contains("install --managed-dir $managed --port " + AgentPaths.DEFAULT_PORT);
        Document profile = xml(AGENT.resolve("macos/ccpolicy-agent.mobileconfig"));
        List<String> payloadTypes = new ArrayList<>();
        NodeList strings = profile.getElementsByTagName("string");
        for (int i = 0; i < strings.getLength(); i++) {
            payloadTypes.add(strings.item(i).getTextContent());
        }
        assertThat(payloadTypes).as("the profile grants file access and keeps the LaunchDaemon on")
                .contains("com.apple.TCC.configuration-profile-policy", "com.apple.servicemanagement", launchdLabel());
    }

    @Test
    void theLinuxInstallStagesAnAgentThatStartsFromTheUnitsCommandLine() throws Exception {
        Path staged = dir.resolve("root");
        Path secret = Files.writeString(dir.resolve("secret"), "client-secret\n");
        Path kafka = Files.writeString(dir.resolve("kafka-password"), "kafka-password\n");
        Path key = Files.writeString(dir.resolve("bundle-signing.pub"), "-----BEGIN PUBLIC KEY-----\n"
                + "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n");
        run(List.of("bash", AGENT.resolve("linux/install.sh").toString(), "--root", staged.toString(),
                "--agent", Path.of("target").toAbsolutePath().toString(), "--email", "bob@acme.com", "--teams", "payments",
                "--client-id", "laptop-0042", "--client-secret-file", secret.toString(), "--public-key", key.toString(),
                "--kafka-password-file", kafka.toString(), "--developer", "bob"));

        assertThat(mode(staged.resolve("etc/ccpolicy"))).isEqualTo("rwxr-x---");
        for (String secretFile : List.of("agent-secret", "kafka.properties", "agent.yaml")) {
            assertThat(mode(staged.resolve("etc/ccpolicy").resolve(secretFile))).as(secretFile).isEqualTo("rw-r-----");
        }
        assertThat(Files.readString(staged.resolve("etc/ccpolicy/agent.yaml"))).contains("email: bob@acme.com").contains("teams: [payments]")
                .contains("client_id: laptop-0042").doesNotContain("client-secret").doesNotContain("kafka-password");
        JsonNode hooks = JSON.readTree(staged.resolve("etc/claude-code/managed-settings.json").toFile()).path("hooks");
        assertThat(hooks.size()).isGreaterThan(5);
        List<String> urls = new ArrayList<>();
        hooks.forEach(event -> event.forEach(matcher -> matcher.path("hooks").forEach(hook -> {
            if (hook.has("url")) {
                urls.add(hook.path("url").asText());
            }
        })));
        assertThat(urls).isNotEmpty().allSatisfy(url -> assertThat(url).startsWith("http://127.0.0.1:" + AgentPaths.DEFAULT_PORT + "/hooks/"));
        assertThat(staged.resolve("etc/systemd/system/ccpolicy-agent.service")).hasSameTextualContentAs(AGENT.resolve("linux/ccpolicy-agent.service"));
        // systemd's own check of the unit (unknown keys, bad values, a command that is not executable), on a copy whose
        // command is the staged one.
        Path unitCopy = Files.createDirectories(dir.resolve("unit")).resolve("ccpolicy-agent.service");
        Files.writeString(unitCopy, Files.readString(AGENT.resolve("linux/ccpolicy-agent.service"))
                .replace("ExecStart=/opt/", "ExecStart=" + staged + "/opt/"));
        assertThat(run(List.of("systemd-analyze", "verify", "--man=no", unitCopy.toString()))).as("systemd-analyze verify").isEmpty();

        // The unit's command line, with its paths under the scratch root, a free port, and a local policy (no server here).
        String home = Files.readString(staged.resolve("etc/ccpolicy/agent.env")).trim().replace("DEVELOPER_HOME=", "");
        Files.createDirectories(staged.resolve(home.substring(1)));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        for (String part : systemdExecStart()) {
            String value = part.equals("${DEVELOPER_HOME}") ? home : part;
            command.add(value.startsWith("/") ? staged + value : value.equals(String.valueOf(AgentPaths.DEFAULT_PORT)) ? String.valueOf(port) : value);
        }
        Path config = staged.resolve("etc/ccpolicy/agent.yaml");
        Files.writeString(config, Files.readString(config).replace("/etc/ccpolicy/", staged + "/etc/ccpolicy/"));
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "version: \"1.0\"\norganization: Acme\npolicies:\n"
                + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n");
        command.addAll(List.of("--policy", policy.toString()));
        Process agent = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + port + "/health");
            await("the staged agent answers (log: " + dir.resolve("agent.log") + ")").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).failFast(() -> !agent.isAlive()).until(() -> {
                        try {
                            return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                        } catch (IOException notYet) {
                            return false;
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError("the staged agent did not answer; it said:\n" + Files.readString(dir.resolve("agent.log")), e);
        } finally {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDebianPackageHoldsTheAgentAndItsConfigureStepWritesTheManagedSettings() throws Exception {
        Path out = dir.resolve("deb");
        String built = run(List.of("bash", AGENT.resolve("linux/build-deb.sh").toString(), "--agent", Path.of("target").toAbsolutePath().toString(),
                "--version", "0.1.0-SNAPSHOT", "--out", out.toString()));
        Path deb = out.resolve("ccpolicy-agent_0.1.0~snapshot_all.deb");
        assertThat(built).contains(deb.toString());
        assertThat(run(List.of("dpkg-deb", "--info", deb.toString()))).contains("Package: ccpolicy-agent", "Version: 0.1.0~snapshot",
                "Depends: openjdk-17-jre-headless | java17-runtime-headless", "bubblewrap, socat", "postinst", "prerm", "postrm");
        assertThat(run(List.of("dpkg-deb", "--contents", deb.toString()))).contains("./opt/ccpolicy-agent/hook-agent.jar",
                "./opt/ccpolicy-agent/jvm.options",
                "./opt/ccpolicy-agent/bin/hook-agent", "./opt/ccpolicy-agent/libexec/configure", "./lib/systemd/system/ccpolicy-agent.service");
        Path control = dir.resolve("control");
        run(List.of("dpkg-deb", "--control", deb.toString(), control.toString()));
        for (String script : List.of("postinst", "prerm", "postrm")) {
            run(List.of("sh", "-n", control.resolve(script).toString()));
        }

        // What postinst does once configuration management has placed the machine's files, into a scratch root.
        Path root = dir.resolve("root");
        run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()));
        Path etc = Files.createDirectories(root.resolve("etc/ccpolicy"));
        Files.writeString(etc.resolve("agent.yaml"), "user: {email: ann@acme.com, teams: [web]}\n");
        for (String file : List.of("bundle-signing.pub", "agent-secret", "kafka.properties", "agent.env")) {
            Files.writeString(etc.resolve(file), file + "\n");
        }
        Files.delete(etc.resolve("agent.env"));
        assertThat(runFailing(List.of(root.resolve("opt/ccpolicy-agent/libexec/configure").toString(), root.toString())))
                .contains("configure: " + etc.resolve("agent.env") + " is missing");
        Files.writeString(etc.resolve("agent.env"), "DEVELOPER_HOME=/home/ann\n");
        run(List.of(root.resolve("opt/ccpolicy-agent/libexec/configure").toString(), root.toString()));
        assertThat(mode(etc.resolve("agent-secret"))).isEqualTo("rw-r-----");
        assertThat(Files.readString(root.resolve("etc/claude-code/managed-settings.json")))
                .contains("http://127.0.0.1:" + AgentPaths.DEFAULT_PORT + "/hooks/PreToolUse");
    }

    private static String run(List<String> command) throws Exception {
        return run(command, true);
    }

    private static String runFailing(List<String> command) throws Exception {
        return run(command, false);
    }

    /** The command's output, once it ended with success (exit 0) or failure as expected. */
    private static String run(List<String> command, boolean succeeds) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue() == 0).as("%s exit %d:%n%s", command, process.exitValue(), output).isEqualTo(succeeds);
        return output;
    }

    private static List<String> systemdExecStart() throws IOException {
        Matcher m = Pattern.compile("(?m)^ExecStart=(.+)$").matcher(Files.readString(AGENT.resolve("linux/ccpolicy-agent.service")));
        assertThat(m.find()).isTrue();
        return List.of(m.group(1).trim().split("\\s+"));
    }

    private static List<String> launchdProgramArguments() throws Exception {
        Element args = plistValue("ProgramArguments");
        List<String> values = new ArrayList<>();
        NodeList strings = args.getElementsByTagName("string");
        for (int i = 0; i < strings.getLength(); i++) {
            values.add(strings.item(i).getTextContent());
        }
        return values;
    }

    private static String launchdLabel() throws Exception {
        return plistValue("Label").getTextContent();
    }

    /** The value element following {@code <key>name</key>} in the LaunchDaemon plist (parsed as XML: it must be well-formed). */
    private static Element plistValue(String name) throws Exception {
        Document plist = xml(AGENT.resolve("macos/com.ccpolicy.agent.plist"));
        NodeList keys = plist.getElementsByTagName("key");
        for (int i = 0; i < keys.getLength(); i++) {
            if (keys.item(i).getTextContent().equals(name)) {
                org.w3c.dom.Node value = keys.item(i).getNextSibling();
                while (!(value instanceof Element)) {
                    value = value.getNextSibling();
                }
                return (Element) value;
            }
        }
        throw new AssertionError("no " + name + " in the LaunchDaemon plist");
    }

    /** A well-formed XML document (Apple's plist DTD is not fetched). */
    private static Document xml(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    /** WinSW's executable and arguments, with the Windows folders its variables name, split as Windows would. */
    private static List<String> winswArguments() throws Exception {
        Document service = xml(AGENT.resolve("windows/ccpolicy-agent.xml"));
        String line = service.getElementsByTagName("executable").item(0).getTextContent() + " "
                + service.getElementsByTagName("arguments").item(0).getTextContent();
        line = line.replace("%ProgramFiles%", "C:\\Program Files").replace("%ProgramData%", "C:\\ProgramData");
        List<String> parts = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            parts.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return parts;
    }

    /** The options after {@code serve}, which must be the command. */
    private static Map<String, String> serveOptions(List<String> command) {
        int serve = command.indexOf("serve");
        assertThat(serve).as("runs serve: %s", command).isPositive();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = serve + 1; i < command.size(); i += 2) {
            assertThat(command.get(i)).startsWith("--");
            options.put(command.get(i).substring(2), command.get(i + 1));
        }
        return options;
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
