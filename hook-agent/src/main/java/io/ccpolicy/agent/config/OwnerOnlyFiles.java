package io.ccpolicy.agent.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files that hold secrets (hook secret, state key, refresh token): readable and writable by their owner only, from the first byte. */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /** Creates {@code file} with {@code content} unless it exists; false when it did (another process was first). */
    public static boolean create(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        try {
            createEmpty(file);
        } catch (FileAlreadyExistsException raced) {
            return false;
        }
        Files.writeString(file, content);
        return true;
    }

    /** Replaces {@code file}'s content atomically (a reader sees the old or the new content, never a part). */
    public static void replace(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        createEmpty(temp);
        Files.writeString(temp, content);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void createEmpty(Path file) throws IOException {
        if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }
}
