package io.ccpolicy.agent.install;

import io.ccpolicy.agent.config.OwnerOnlyFiles;
import io.ccpolicy.agent.config.HookSecret;
import io.ccpolicy.agent.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The developer's own Claude Code settings ({@code ~/.claude/settings.json}), where the hook secret reaches Claude Code
 * as an environment variable: the managed settings name the variable in each hook's headers, and are world-readable, so
 * the value lives here, in a file only its owner reads. Everything else in the file is kept as it was.
 */
public final class ClaudeUserSettings {

    private ClaudeUserSettings() {
    }

    public static Path file(Path home) {
        return home.resolve(".claude").resolve("settings.json");
    }

    /** Sets {@code env.CCPOLICY_HOOK_SECRET} unless it already holds this secret; returns whether the file changed. */
    @SuppressWarnings("unchecked")
    public static boolean ensureHookSecret(Path home, HookSecret secret) throws IOException {
        Path file = file(home);
        Map<String, Object> settings = new LinkedHashMap<>();
        if (Files.exists(file)) {
            String[] problem = new String[1];
            settings = new LinkedHashMap<>(Json.object(Files.readString(file), problem)
                    .orElseThrow(() -> new IOException(file + " is not a JSON object (" + problem[0] + "); fix it, then run this again")));
        }
        Map<String, Object> env = settings.get("env") instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        if (secret.value().equals(env.get(HookSecret.ENV))) {
            return false;
        }
        env.put(HookSecret.ENV, secret.value());
        settings.put("env", env);
        boolean newDir = !Files.isDirectory(file.getParent());
        OwnerOnlyFiles.replace(file, Json.write(settings) + "\n");
        // A daemon running as root for a developer's home writes files the developer's Claude Code must read.
        UserPrincipal owner = Files.getOwner(home);
        if (!Files.getOwner(file).equals(owner)) {
            Files.setOwner(file, owner);
            if (newDir) {
                Files.setOwner(file.getParent(), owner);
            }
        }
        return true;
    }
}
