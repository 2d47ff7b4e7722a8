package io.ccpolicy.agent.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * The per-install secret every hook request must carry, so only Claude Code (which reads it from its environment) is
 * answered: not another local process, not a web page. Kept in the state directory, readable by the agent's user only;
 * Claude Code gets it through {@link #ENV} in the user's own settings (never in the world-readable managed settings,
 * which only name the variable).
 */
public record HookSecret(String value) {

    public static final String ENV = "CCPOLICY_HOOK_SECRET";
    public static final String HEADER = "X-CCPolicy-Hook-Secret";
    private static final String FILE = "hook-secret";

    /** The state directory's secret, created (owner-only) on first use. */
    public static HookSecret load(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            // when another process created it first, theirs is used
            OwnerOnlyFiles.create(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
        }
        String value = Files.readString(file).trim();
        if (value.length() < 32) {
            throw new IOException(file + " holds no usable secret; delete it and restart the agent to create a new one");
        }
        return new HookSecret(value);
    }

    /** Whether the request's headers (names in lower case) carry this secret; compared in constant time. */
    public boolean carriedBy(Map<String, String> headers) {
        String given = headers.get(HEADER.toLowerCase(Locale.ROOT));
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "HookSecret[hidden]";
    }
}
