package io.ccpolicy.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.ccpolicy.engine.parse.TestSuiteParser;
import io.ccpolicy.engine.testing.DebianPackages;
import io.ccpolicy.engine.testing.PolicyTestCase;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bash model against real bash: every command of the red-team and everyday corpora that the engine claims to know
 * (no opaque write, no program left to the sandbox) runs under bash in a scratch root (bubblewrap: the real file system
 * read-only, a scratch home and /tmp, no network), traced by {@code strace -f}; every path bash wrote or tried to write
 * must be in the engine's write set. A miss is a false "allow".
 */
class ShellAnalyzerDifferentialTest {

    private static final List<String> CORPORA = List.of("bash-attacks.yaml", "bash-everyday.yaml");
    private static final String TRACED = "open,openat,openat2,creat,mkdir,mkdirat,rmdir,unlink,unlinkat,rename,renameat,renameat2,link,"
            + "linkat,symlink,symlinkat,truncate,ftruncate,chmod,fchmod,fchmodat,chown,fchown,lchown,fchownat,utime,utimes,utimensat,"
            + "mknod,mknodat,chdir,fchdir,clone,clone3,fork,vfork";

    @TempDir
    static Path scratch;

    @BeforeAll
    static void tools() throws Exception {
        DebianPackages.require("bwrap", "bubblewrap");
        DebianPackages.require("strace", "strace");
    }

    @Test
    void everyPathBashWritesIsInTheEnginesWriteSet() throws Exception {
        List<String> misses = java.util.Collections.synchronizedList(new ArrayList<>());
        List<java.util.concurrent.Callable<Void>> runs = new ArrayList<>();
        int opaque = 0;
        int programs = 0;
        for (String corpus : CORPORA) {
            for (PolicyTestCase testCase : TestSuiteParser.parse(corpus, Files.readString(corpus(corpus))).cases()) {
                if (!testCase.request().event().toolName().equals("Bash")) {
                    continue;
                }
                String command = testCase.request().event().inputString("command");
                String cwd = testCase.request().event().cwd();
                ShellAnalysis analysis = ShellAnalyzer.analyze(command, cwd, testCase.request().home());
                if (analysis.writes().stream().anyMatch(Value::opaque)) {
                    opaque++;
                    continue;
                }
                if (!analysis.programs().isEmpty()) {
                    programs++;
                    continue;
                }
                int n = runs.size();
                runs.add(() -> {
                    for (String written : traceWrites(command, cwd, n)) {
                        if (!ignored(written) && !covered(written, analysis.writes())) {
                            misses.add(corpus + " '" + testCase.name() + "': bash wrote " + written + ", the engine predicted "
                                    + analysis.writes().stream().map(Value::text).toList());
                        }
                    }
                    return null;
                });
            }
        }
        twoAtATime(runs);
        int checked = runs.size();
        System.out.printf("differential: %d commands run under real bash and checked, %d opaque, %d left to the sandbox%n", checked, opaque,
                programs);
        assertThat(misses).isEmpty();
        assertThat(checked).as("commands the engine claims to know, run under bash").isGreaterThan(250);
    }

    /**
     * Whether the engine predicted the write: the path itself, a glob that matches it, or (for the missing parents that
     * {@code mkdir -p} and {@code install -D} create on the way) a predicted path below it, judged with that path.
     */
    private static boolean covered(String written, List<Value> predicted) {
        for (Value value : predicted) {
            if (value.text().equals(written) || (value.glob() && Wildcard.matches(value.text(), written))
                    || value.text().startsWith(written + "/")) {
                return true;
            }
        }
        return false;
    }

    /** Not files: devices, the kernel's views, the trace itself, bash's here-document buffers. */
    private static boolean ignored(String path) {
        return path.startsWith("/dev/") || path.equals("/dev") || path.startsWith("/proc/") || path.startsWith("/tmp/.trace")
                || path.contains("/sh-thd");
    }

    /**
     * The hybrid's proof: every corpus command the engine proves read-only (and so may run outside the OS sandbox) runs
     * under bash with the PATH such a run gets, traced: it writes nothing, opens no network connection, and starts no
     * program but the self-contained commands it was proven for.
     */
    @Test
    void everyCommandProvenReadOnlyOnlyReadsUnderRealBash() throws Exception {
        List<String> breaches = java.util.Collections.synchronizedList(new ArrayList<>());
        List<java.util.concurrent.Callable<Void>> runs = new ArrayList<>();
        for (String corpus : CORPORA) {
            for (PolicyTestCase testCase : TestSuiteParser.parse(corpus, Files.readString(corpus(corpus))).cases()) {
                String command = testCase.request().event().inputString("command");
                String cwd = testCase.request().event().cwd();
                if (!testCase.request().event().toolName().equals("Bash")
                        || !ShellAnalyzer.analyze(command, cwd, testCase.request().home()).provenReadOnly()) {
                    continue;
                }
                int n = runs.size();
                runs.add(() -> {
                    // exactly as the agent has Claude Code run it: bash -c, then env and a fresh bash, then the command
                    List<String> lines = trace(io.ccpolicy.engine.settings.UnsandboxedRun.command(command), cwd, "r" + n,
                            TRACED + ",execve,connect", "/usr/local/bin:/usr/bin:/bin");
                    for (String written : WriteTrace.writes(lines, cwd)) {
                        if (!ignored(written)) {
                            breaches.add(corpus + " '" + testCase.name() + "': wrote " + written);
                        }
                    }
                    List<String> wrapper = new ArrayList<>(List.of("bash", "env", "bash"));
                    for (String line : lines) {
                        java.util.regex.Matcher exec = EXECVE.matcher(line);
                        if (exec.find()) {
                            String program = exec.group(1).substring(exec.group(1).lastIndexOf('/') + 1);
                            if (!wrapper.isEmpty() ? !wrapper.remove(0).equals(program) : !ShellAnalysis.SELF_CONTAINED.contains(program)) {
                                breaches.add(corpus + " '" + testCase.name() + "': ran " + exec.group(1));
                            }
                        }
                        if (line.contains("connect(") && (line.contains("AF_INET") || line.contains("AF_INET6"))) {
                            breaches.add(corpus + " '" + testCase.name() + "': connected: " + line);
                        }
                    }
                    return null;
                });
            }
        }
        twoAtATime(runs);
        System.out.printf("differential: %d commands proven read-only run under real bash and checked%n", runs.size());
        assertThat(breaches).isEmpty();
        assertThat(runs.size()).as("everyday read-only commands the engine proves").isGreaterThan(20);
    }

    /** Runs the traced commands, each in its own scratch root, two at a time. */
    private static void twoAtATime(List<java.util.concurrent.Callable<Void>> runs) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (java.util.concurrent.Future<Void> run : pool.invokeAll(runs)) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A successful {@code execve} of a program: its path. */
    private static final java.util.regex.Pattern EXECVE = java.util.regex.Pattern.compile("execve\\(\"([^\"]+)\".*\\) = 0");

    private static Set<String> traceWrites(String command, String cwd, int n) throws IOException, InterruptedException {
        return WriteTrace.writes(trace(command, cwd, "run-" + n, TRACED, "/usr/local/bin:/usr/bin:/bin"), cwd);
    }

    private static List<String> trace(String command, String cwd, String name, String syscalls, String path) throws IOException,
            InterruptedException {
        Path root = Files.createDirectories(scratch.resolve(name));
        Fixture.create(root);
        Path trace = root.resolve("tmp/.trace/out");
        List<String> argv = List.of("timeout", "-k", "1", "8", "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--bind", root.resolve("home").toString(), "/home", "--bind", root.resolve("tmp").toString(), "/tmp",
                "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session",
                "--chdir", cwd,
                "--setenv", "HOME", "/home/bob", "--setenv", "TMPDIR", "/tmp/claude-1000", "--setenv", "PATH", path,
                "strace", "-f", "-y", "-qq", "-s", "4096", "-e", "trace=" + syscalls, "-o", "/tmp/.trace/out", "bash", "-c", command);
        Process bash = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(root.resolve("output").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!bash.waitFor(30, TimeUnit.SECONDS)) {
            bash.destroyForcibly().waitFor();
        }
        if (!Files.exists(trace)) {
            throw new AssertionError("no trace for: " + command + "\n" + Files.readString(root.resolve("output")));
        }
        List<String> lines = Files.readAllLines(trace, StandardCharsets.ISO_8859_1);
        deleteTree(root);
        return lines;
    }

    private static void deleteTree(Path root) throws IOException {
        try {
            new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path corpus(String name) throws URISyntaxException {
        return Path.of(ShellAnalyzerDifferentialTest.class.getResource("/conformance/" + name).toURI());
    }

    /** The developer's world the corpus speaks of: a project with sources, logs and archives, a home with secrets. */
    static final class Fixture {
        private static final List<String> FILES = List.of("a.txt", "b.txt", "f.txt", "in.txt", "list.txt", "name.txt", "words.txt",
                "names.txt", "big.csv", "data.csv", "access.log", "app.log", "README.md", "pom.xml", "package.json", "file.txt",
                "fix.patch", "x.patch", "payload.b64", ".env.example", "script.sh", "src/Main.java", "src/a.c", "src/b.c", "src/config.yml",
                "src/a.js", "src/main/X.java", "src/x.ts", "src/y.md", "build/a.o", "logs/old.log", "templates/t.txt", "scripts/setup.sh",
                "scripts/run.sh", "run.sh", "docs/index.md", "bin/app", "notes.txt", "data.json");

        static void create(Path root) throws IOException {
            Path project = Files.createDirectories(root.resolve("home/bob/proj"));
            for (String file : FILES) {
                Path path = project.resolve(file);
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.endsWith(".b64") ? "aGVsbG8K\n" : "line one\nfoo bar\n");
            }
            for (String dir : List.of("dist", "target", "node_modules", "frontend", "vendor", "static", "out", "parts", "patches", "deps", "tools")) {
                Files.createDirectories(project.resolve(dir));
            }
            Path home = root.resolve("home/bob");
            Files.createDirectories(home.resolve(".ssh"));
            Files.writeString(home.resolve(".ssh/id_rsa"), "-----BEGIN KEY-----\n");
            Files.createDirectories(home.resolve(".aws"));
            Files.writeString(home.resolve(".aws/credentials"), "[default]\n");
            Files.writeString(home.resolve(".netrc"), "machine x\n");
            Files.writeString(home.resolve("a"), "a\n");
            Files.createDirectories(root.resolve("tmp/claude-1000"));
            Files.createDirectories(root.resolve("tmp/claude-1"));
            Files.createDirectories(root.resolve("tmp/.trace"));
            run(project, "tar", "czf", "vendor.tgz", "README.md");
            run(project, "tar", "cf", "a.tar", "a.txt");
            run(project, "gzip", "-k", "data.json");
        }

        private static void run(Path dir, String... command) throws IOException {
            try {
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
