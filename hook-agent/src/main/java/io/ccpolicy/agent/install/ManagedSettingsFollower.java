package io.ccpolicy.agent.install;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.policy.BundleSync;
import io.ccpolicy.agent.policy.PolicyHolder;
import io.ccpolicy.engine.model.PolicyDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What Claude Code enforces natively (hooks to the agent, MCP allowlist, OS sandbox, locks) follows each activated bundle without
 * a reinstall: the managed settings are rewritten from the bundle's effective policy, other administrators' keys kept.
 */
public final class ManagedSettingsFollower {

    private ManagedSettingsFollower() {
    }

    /** Writes the settings for the active policy now, and again whenever a new bundle becomes active. */
    public static void follow(BundleSync sync, PolicyHolder policy, ManagedDirectory managed, AgentConfig agent, int port, Path home,
            AgentLog log) {
        Consumer<PolicyDocument> write = document -> {
            try {
                managed.installOver(AgentSettings.build(port, document, policy.active().identityOr(agent.identity()), agent.server().project(), Instant.now(),
                        new ExistingPaths(home)));
                log.info("managed settings in " + managed.settingsFile() + " follow " + document.source());
            } catch (IOException e) {
                log.error("managed settings not updated for the new bundle: " + e.getMessage());
            }
        };
        sync.onActivated(write);
        write.accept(policy.active().engine().document());
    }
}
