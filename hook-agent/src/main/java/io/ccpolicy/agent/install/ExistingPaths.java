package io.ccpolicy.agent.install;

import io.ccpolicy.engine.eval.Wildcard;
import io.ccpolicy.engine.settings.SandboxCompiler;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the existing paths a policy glob matches (segment by segment, {@code ~} being the developer's home), for
 * allowlist globs the OS sandbox cannot take: the sandbox then allows exactly those, which is tighter than the glob.
 */
public final class ExistingPaths implements SandboxCompiler.GlobExpander {

    private static final int MAX_MATCHES = 64;
    private final Path home;

    public ExistingPaths(Path home) {
        this.home = home;
    }

    @Override
    public List<String> existing(String glob) {
        boolean tilde = glob.equals("~") || glob.startsWith("~/");
        String absolute = tilde ? home + glob.substring(1) : glob;
        List<Path> current = List.of(Path.of("/"));
        for (String segment : absolute.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            List<Path> next = new ArrayList<>();
            for (Path dir : current) {
                if (segment.contains("*") || segment.contains("?") || segment.contains("[")) {
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                        for (Path entry : entries) {
                            if (Files.isDirectory(entry) && Wildcard.matches(segment, entry.getFileName().toString()) && next.size() < MAX_MATCHES) {
                                next.add(entry);
                            }
                        }
                    } catch (IOException e) {
                        // an unreadable directory matches nothing
                    }
                } else if (Files.exists(dir.resolve(segment))) {
                    next.add(dir.resolve(segment));
                }
            }
            current = next;
        }
        List<String> found = new ArrayList<>();
        for (Path path : current) {
            String text = path.toString();
            found.add(tilde && text.startsWith(home.toString()) ? "~" + text.substring(home.toString().length()) : text);
        }
        return found;
    }
}
