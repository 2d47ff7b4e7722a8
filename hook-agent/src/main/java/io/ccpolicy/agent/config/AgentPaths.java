package io.ccpolicy.agent.config;

import java.nio.file.Path;

/** Defaults shared by the daemon and the commands that talk to it. */
public final class AgentPaths {

    public static final int DEFAULT_PORT = 8765;

    private AgentPaths() {
    }

    /** {@code $CCPOLICY_STATE_DIR}, else {@code ~/.ccpolicy}. */
    public static Path stateDir(String option) {
        if (option != null) {
            return Path.of(option).toAbsolutePath();
        }
        String env = System.getenv("CCPOLICY_STATE_DIR");
        return env != null && !env.isBlank() ? Path.of(env).toAbsolutePath() : Path.of(System.getProperty("user.home"), ".ccpolicy");
    }
}
