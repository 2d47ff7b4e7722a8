package io.ccpolicy.agent.hook;

import io.ccpolicy.engine.HostPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;

/**
 * This machine's paths as the engine needs them: the real path of the deepest existing ancestor (symbolic links
 * followed) with the rest appended, and whether names compare case-insensitively (macOS, Windows).
 */
public final class MachinePaths implements HostPaths {

    private final boolean caseInsensitive;
    private final boolean windows;

    public MachinePaths() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        this.windows = os.startsWith("windows");
        this.caseInsensitive = windows || os.startsWith("mac");
    }

    @Override
    public String realPath(String path) {
        try {
            Path lexical = Path.of(path);
            Path existing = lexical;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return path;
            }
            Path real = existing.toRealPath();
            Path rest = existing.relativize(lexical);
            return rest.toString().isEmpty() ? real.toString() : real.resolve(rest).toString();
        } catch (IOException | InvalidPathException | SecurityException e) {
            // a dangling link or an unreadable directory: the lexical path is all there is to judge
            return path;
        }
    }

    @Override
    public boolean caseInsensitive() {
        return caseInsensitive;
    }

    @Override
    public boolean windows() {
        return windows;
    }
}
