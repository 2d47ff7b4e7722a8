package io.ccpolicy.agent.install;

import io.ccpolicy.agent.json.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * Claude Code's managed-settings directory and our changes to it. Before the first install the current
 * {@code managed-settings.json} is kept byte for byte beside it (or its absence is noted), so uninstall restores exactly
 * what was there.
 */
public final class ManagedDirectory {

    static final String FILE = "managed-settings.json";
    static final String BACKUP = "managed-settings.json.ccpolicy-backup";
    static final String ABSENT = "managed-settings.json.ccpolicy-absent";
    private static final String DIRECTORY_CREATED = "file and directory absent";

    private final Path dir;

    public ManagedDirectory(Path dir) {
        this.dir = dir;
    }

    /** The documented default: Linux {@code /etc/claude-code}, macOS {@code /Library/Application Support/ClaudeCode}, Windows {@code C:\Program Files\ClaudeCode}. */
    public static Path defaultDir() {
        return Path.of(defaultDirOn(System.getProperty("os.name")));
    }

    /** {@link #defaultDir()} on the system {@code osName} names (as {@code os.name} does), for the rollout artefacts. */
    public static String defaultDirOn(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return "/Library/Application Support/ClaudeCode";
        }
        if (os.contains("win")) {
            return "C:\\Program Files\\ClaudeCode";
        }
        return "/etc/claude-code";
    }

    public Path settingsFile() {
        return dir.resolve(FILE);
    }

    public boolean installed() {
        return Files.exists(dir.resolve(BACKUP)) || Files.exists(dir.resolve(ABSENT));
    }

    public String current() throws IOException {
        Path file = settingsFile();
        return Files.isRegularFile(file) ? Files.readString(file) : null;
    }

    /** Writes new content, keeping the pre-install original the first time. */
    public void write(String content) throws IOException {
        boolean dirExisted = Files.isDirectory(dir);
        Files.createDirectories(dir);
        if (!installed()) {
            if (Files.isRegularFile(settingsFile())) {
                Files.copy(settingsFile(), dir.resolve(BACKUP), StandardCopyOption.COPY_ATTRIBUTES);
            } else {
                Files.writeString(dir.resolve(ABSENT), dirExisted ? "file absent\n" : DIRECTORY_CREATED + "\n");
            }
        }
        Path temp = Files.createTempFile(dir, ".managed-settings", ".tmp");
        Files.writeString(temp, content);
        try {
            Files.move(temp, settingsFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, settingsFile(), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Puts back exactly what was there before the first install; false when nothing was installed. */
    /**
     * Merges our settings into the managed settings file (other administrators' keys are kept) and writes it. Refuses,
     * changing nothing, when the existing file is not a JSON object.
     */
    public void installOver(Map<String, Object> ours) throws IOException {
        String text = current();
        Map<String, Object> existing = Map.of();
        if (text != null && !text.isBlank()) {
            String[] problem = new String[1];
            existing = Json.object(text, problem).orElseThrow(() -> new IOException(settingsFile() + ": " + problem[0]
                    + "; fix or remove it first, nothing was changed"));
        }
        write(Json.write(AgentSettings.merge(existing, ours)) + "\n");
    }

    public boolean restore() throws IOException {
        if (Files.exists(dir.resolve(BACKUP))) {
            Files.move(dir.resolve(BACKUP), settingsFile(), StandardCopyOption.REPLACE_EXISTING);
            return true;
        }
        if (Files.exists(dir.resolve(ABSENT))) {
            boolean removeDir = Files.readString(dir.resolve(ABSENT)).startsWith(DIRECTORY_CREATED);
            Files.deleteIfExists(settingsFile());
            Files.delete(dir.resolve(ABSENT));
            if (removeDir) {
                try (var left = Files.list(dir)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            }
            return true;
        }
        return false;
    }
}
