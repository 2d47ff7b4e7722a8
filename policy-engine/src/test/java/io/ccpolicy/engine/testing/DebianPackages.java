package io.ccpolicy.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The test command installs what a test needs on a fresh machine from Debian, as it does for the browser test. */
public final class DebianPackages {

    private DebianPackages() {
    }

    /** Installs {@code pkg} with apt-get unless {@code binary} is already on the machine. */
    public static void require(String binary, String pkg) throws Exception {
        if (Stream.of("/usr/bin/", "/bin/", "/usr/local/bin/", "/usr/sbin/").anyMatch(d -> Files.isExecutable(Path.of(d + binary)))) {
            return;
        }
        System.out.println("installing " + pkg + " from Debian (once per machine)...");
        if (!apt("install", "-y", "-q", pkg) && !(apt("update", "-q") && apt("install", "-y", "-q", pkg))) {
            throw new IllegalStateException("apt-get install " + pkg + " failed; install it (as root) to run this test");
        }
    }

    private static boolean apt(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("apt-get"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process apt = builder.start();
        return apt.waitFor(15, TimeUnit.MINUTES) && apt.exitValue() == 0;
    }
}
