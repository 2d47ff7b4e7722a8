package io.ccpolicy.engine;

import io.ccpolicy.engine.model.Identity;

/**
 * Everything one decision depends on besides the policy and the clock: the hook event, who the developer is, the
 * project (by name), the session state, the configuration the host read, the user's home directory, and the host's
 * knowledge of its paths (symbolic links, case).
 */
public record DecisionRequest(HookEvent event, Identity identity, String project, SessionState session,
        ConfigurationSnapshot configuration, String home, HostPaths paths) {

    /** A request judged on lexical paths only. */
    public DecisionRequest(HookEvent event, Identity identity, String project, SessionState session, ConfigurationSnapshot configuration,
            String home) {
        this(event, identity, project, session, configuration, home, HostPaths.LEXICAL);
    }

    public DecisionRequest {
        paths = paths == null ? HostPaths.LEXICAL : paths;
        project = project == null ? "" : project;
        session = session == null ? SessionState.NEW : session;
        configuration = configuration == null ? ConfigurationSnapshot.NONE : configuration;
        home = home == null || home.isEmpty() ? "/nonexistent-home" : home;
    }
}
