package io.ccpolicy.agent.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Claude Code CLI, pinned to the version {@code ../shared/claude-e2e} is verified against, installed from npm
 * into {@code ~/.cache/ccpolicy-e2e} on first use and reused after. Sessions run headless ({@code claude -p}) with a
 * throw-away HOME, against the fake Messages API.
 */
public final class ClaudeCli {

    static final String VERSION = "2.1.331";

    private final Path binary;

    private ClaudeCli(Path binary) {
        this.binary = binary;
    }

    public static ClaudeCli installed() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "ccpolicy-e2e", "claude-code-" + VERSION);
        Path binary = dir.resolve("node_modules/@anthropic-ai/claude-code-linux-x64/claude");
        if (!Files.isExecutable(binary)) {
            Files.createDirectories(dir);
            Process npm = new ProcessBuilder("npm", "install", "--prefix", dir.toString(), "--no-audit", "--no-fund", "--loglevel=error",
                    "--engine-strict=false", "@anthropic-ai/claude-code@" + VERSION)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("npm-install.log").toFile()).start();
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isExecutable(binary)) {
                throw new IllegalStateException("could not install @anthropic-ai/claude-code@" + VERSION + " with npm; see "
                        + dir.resolve("npm-install.log"));
            }
        }
        return new ClaudeCli(binary);
    }

    /** The outcome of one headless session; {@code debugLog} is the CLI's own debug log, which times each hook call. */
    public record Session(int exitCode, String stdout, String stderr, Path debugLog) {
    }

    public Session run(Path project, Path home, String apiUrl, List<String> extraArgs, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-p", "Carry out the task.", "--output-format", "stream-json",
                "--verbose"));
        Path debug = Files.createTempFile(home, "claude-debug", ".log");
        command.addAll(List.of("--debug-file", debug.toString()));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("LANG", "C.UTF-8");
        env.put("ANTHROPIC_BASE_URL", apiUrl);
        env.put("ANTHROPIC_API_KEY", "sk-ant-e2e-dummy");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("TMPDIR", Files.createDirectories(home.resolve("tmp")).toString());
        env.putAll(extraEnv);
        Path out = Files.createTempFile(home, "claude", ".out");
        Path err = Files.createTempFile(home, "claude", ".err");
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            List<String> lines = Files.readAllLines(debug);
            throw new IllegalStateException("claude did not finish in 90 s; stderr:\n" + Files.readString(err) + "\nend of its debug log:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
        }
        return new Session(process.exitValue(), Files.readString(out), Files.readString(err), debug);
    }
}
