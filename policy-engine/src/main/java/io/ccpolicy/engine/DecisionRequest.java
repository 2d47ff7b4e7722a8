package io.ccpolicy.engine;

import io.ccpolicy.engine.model.Identity;

/**
 * Everything one decision depends on besides the policy and the clock: the hook event, who the developer is, the
 * project (by name), the session state, the configuration the host read, and the user's home directory.
 */
public record DecisionRequest(HookEvent event, Identity identity, String project, SessionState session,
        ConfigurationSnapshot configuration, String home) {

    public DecisionRequest {
        project = project == null ? "" : project;
        session = session == null ? SessionState.NEW : session;
        configuration = configuration == null ? ConfigurationSnapshot.NONE : configuration;
        home = home == null || home.isEmpty() ? "/nonexistent-home" : home;
    }
}
