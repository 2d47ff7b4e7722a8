package io.ccpolicy.images;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds the services' OCI images without a Docker daemon and without a registry (none is reachable here, and many
 * build networks have none): a Java runtime linked from this JDK's modules with jlink, the shared libraries it needs
 * (taken from this Debian system, found with ldd), and the packaged Quarkus application, in four layers, as OCI
 * archives {@code target/images/<service>.tar} ({@code skopeo copy oci-archive:...} or {@code crane push} put them in a
 * registry). Runs as user 10001, JVM sized from the container's memory limit.
 *
 * <p>Arguments: the module's target directory, the version (the tag), the repository root.
 */
public final class ImageBuilder {

    public static final List<String> SERVICES = List.of("policy-service", "exception-service", "audit-ingest", "report-service");
    public static final String USER = "10001:10001";

    /**
     * The JDK modules the services use (jdeps over their dependencies lists these and a few reflective ones; java.se is
     * the safe superset), plus TLS elliptic curves, JMX metrics, DNS naming, zip file systems and locale data.
     */
    private static final String MODULES = "java.se,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.zipfs,jdk.localedata,jdk.charsets";

    /** Sized from the container's memory limit, and out on the first OutOfMemoryError so Kubernetes restarts it. */
    public static final List<String> ENTRYPOINT = List.of("/opt/java/bin/java", "-XX:MaxRAMPercentage=75.0", "-XX:InitialRAMPercentage=50.0",
            "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp", "-jar", "/deployments/quarkus-run.jar");

    /** Fixed file times: the same inputs give the same layer digests. */
    private static final AbsoluteUnixPath ROOT = AbsoluteUnixPath.get("/");
    private static final Instant EPOCH_PLUS_ONE = Instant.ofEpochSecond(1);

    private ImageBuilder() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        String version = args[1];
        Path root = Path.of(args[2]);
        long began = System.nanoTime();
        Path runtime = target.resolve("runtime");
        Path os = target.resolve("os");
        System.out.println("images: linking a Java runtime (jlink) and collecting its shared libraries");
        link(runtime);
        collectLibraries(runtime, os);
        Path images = Files.createDirectories(target.resolve("images"));
        for (String service : SERVICES) {
            Path app = root.resolve(service).resolve("target/quarkus-app");
            if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
                throw new IllegalStateException("package " + service + " first: no " + app.resolve("quarkus-run.jar"));
            }
            Path tar = images.resolve(service + ".tar");
            build(service, version, os, runtime, app, tar, target.resolve("jib-cache"));
            System.out.printf("images: %s -> %s (%d MB)%n", service, root.relativize(tar.toAbsolutePath()), Files.size(tar) >> 20);
        }
        System.out.printf("images: 4 images in %.0f s%n", (System.nanoTime() - began) / 1e9);
    }

    private static void link(Path runtime) throws IOException, InterruptedException {
        deleteRecursively(runtime);
        Path jdk = Path.of(System.getProperty("java.home"));
        Path jmods = jdk.resolve("jmods");
        if (!Files.isDirectory(jmods)) {
            throw new IllegalStateException("this JDK has no jmods directory (" + jmods + "): jlink needs one (Debian: openjdk-17-jdk-headless)");
        }
        run(List.of(jdk.resolve("bin/jlink").toString(), "--module-path", jmods.toString(), "--add-modules", MODULES, "--strip-debug",
                "--no-man-pages", "--no-header-files", "--compress=2", "--output", runtime.resolve("opt/java").toString()));
        // Debian's JDK links its CA store to /etc; the image carries the file itself.
        Path cacerts = runtime.resolve("opt/java/lib/security/cacerts");
        Path realCacerts = jdk.resolve("lib/security/cacerts").toRealPath();
        Files.deleteIfExists(cacerts);
        Files.copy(realCacerts, cacerts);
    }

    /**
     * Every shared library the runtime's executables and libraries load (ldd, transitively), copied to the path the
     * dynamic loader looks for it at; plus the loader, an /etc/passwd naming the service user, and a world-writable /tmp.
     */
    private static void collectLibraries(Path runtime, Path os) throws IOException, InterruptedException {
        deleteRecursively(os);
        Set<String> libraries = new TreeSet<>();
        List<Path> elves;
        try (Stream<Path> files = Files.walk(runtime)) {
            elves = files.filter(Files::isRegularFile).filter(ImageBuilder::isElf).toList();
        }
        Pattern resolved = Pattern.compile("=>\\s+(/\\S+)|^\\s*(/\\S+)\\s+\\(");
        for (Path elf : elves) {
            // ldd fails on files that load nothing (static, or data in ELF form): they need no library either.
            for (String line : run(List.of("ldd", elf.toAbsolutePath().toString()), false).split("\n")) {
                Matcher m = resolved.matcher(line);
                if (m.find()) {
                    String library = m.group(1) != null ? m.group(1) : m.group(2);
                    if (!Path.of(library).startsWith(runtime.toAbsolutePath())) { // the runtime's own, found through $ORIGIN
                        libraries.add(library);
                    }
                }
            }
        }
        for (String library : libraries) {
            Path to = os.resolve(library.substring(1));
            Files.createDirectories(to.getParent());
            Files.copy(Path.of(library).toRealPath(), to, StandardCopyOption.REPLACE_EXISTING);
        }
        Path etc = Files.createDirectories(os.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/sbin/nologin\nccpolicy:x:10001:10001:ccpolicy:/deployments:/sbin/nologin\n",
                StandardCharsets.UTF_8);
        Files.writeString(etc.resolve("group"), "root:x:0:\nccpolicy:x:10001:\n", StandardCharsets.UTF_8);
        Files.writeString(etc.resolve("nsswitch.conf"), "hosts: files dns\n", StandardCharsets.UTF_8);
        Files.createDirectories(os.resolve("tmp"));
        System.out.printf("images: %d shared libraries for %d runtime files%n", libraries.size(), elves.size());
    }

    private static void build(String service, String version, Path os, Path runtime, Path app, Path tar, Path cache) throws Exception {
        AbsoluteUnixPath deployments = AbsoluteUnixPath.get("/deployments");
        FileEntriesLayer.Builder application = FileEntriesLayer.builder().setName("application");
        for (String part : List.of("quarkus-run.jar", "app", "quarkus")) {
            application.addEntryRecursive(app.resolve(part), deployments.resolve(part), ImageBuilder::permissions, (s, d) -> EPOCH_PLUS_ONE);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", service);
        labels.put("org.opencontainers.image.version", version);
        labels.put("org.opencontainers.image.vendor", "ccpolicy");
        labels.put("org.opencontainers.image.description", "Claude Code policy platform: " + service);
        JibContainerBuilder image = Jib.fromScratch()
                .setFormat(ImageFormat.OCI)
                .addFileEntriesLayer(atRoot("os", os))
                .addFileEntriesLayer(atRoot("java", runtime))
                .addFileEntriesLayer(FileEntriesLayer.builder().setName("dependencies").addEntryRecursive(app.resolve("lib"),
                        deployments.resolve("lib"), ImageBuilder::permissions, (s, d) -> EPOCH_PLUS_ONE).build())
                .addFileEntriesLayer(application.build())
                .setEntrypoint(ENTRYPOINT)
                .setEnvironment(Map.of("JAVA_HOME", "/opt/java", "LANG", "C.UTF-8", "QUARKUS_HTTP_PORT", "8080", "QUARKUS_HTTP_HOST", "0.0.0.0"))
                .setUser(USER)
                .setWorkingDirectory(deployments)
                .setExposedPorts(Set.of(Port.tcp(8080)))
                .setLabels(labels);
        Files.deleteIfExists(tar);
        image.containerize(Containerizer.to(TarImage.at(tar).named("ccpolicy/" + service + ":" + version))
                .setApplicationLayersCache(cache).setBaseImageLayersCache(cache).setToolName("ccpolicy-images"));
    }

    /** A layer holding the directory's contents at the image's root. */
    private static FileEntriesLayer atRoot(String name, Path dir) throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
        try (Stream<Path> top = Files.list(dir)) {
            for (Path entry : top.sorted().toList()) {
                layer.addEntryRecursive(entry, ROOT.resolve(entry.getFileName().toString()), ImageBuilder::permissions, (s, d) -> EPOCH_PLUS_ONE);
            }
        }
        return layer.build();
    }

    /**
     * The file's own mode (executables stay executable), except /tmp, which the service user may write (Jib has no
     * sticky bit; the service is the only user, and Kubernetes mounts an emptyDir there anyway).
     */
    private static FilePermissions permissions(Path source, AbsoluteUnixPath inImage) {
        if (inImage.toString().equals("/tmp")) {
            return FilePermissions.fromOctalString("777");
        }
        try {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(source));
            return FilePermissions.fromPosixFilePermissions(PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isElf(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        return run(command, true);
    }

    /** The command's output; when {@code mustSucceed}, a failure is an error. */
    private static String run(List<String> command, boolean mustSucceed) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = process.waitFor(5, TimeUnit.MINUTES);
        if (mustSucceed && (!ended || process.exitValue() != 0)) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        }
        for (int i = paths.size() - 1; i >= 0; i--) {
            Files.delete(paths.get(i));
        }
    }
}
