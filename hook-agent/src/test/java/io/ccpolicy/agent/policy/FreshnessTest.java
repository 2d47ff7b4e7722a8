package io.ccpolicy.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.engine.bundle.BundleSignature;
import io.ccpolicy.engine.bundle.PolicyBundle;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.sign.Ed25519;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An older cached bundle put back while the agent was down is refused at restart, and a clock set back revives no
 * expired grant: the revision floor and the time seen are kept in signed state, and an edit to them is caught.
 */
class FreshnessTest {

    private static final String POLICY = "version: \"1.0\"\norganization: Acme\npolicies:\n"
            + "  - {name: no-rm, type: denylist, target: bashCommand, values: [\"rm -rf\"], severity: error}\n";

    @TempDir
    Path state;

    private final KeyPair key = Ed25519.generate();
    private final AgentLog log = new AgentLog(new PrintStream(new ByteArrayOutputStream()));

    private String signed(long revision) {
        PolicyBundle bundle = new PolicyBundle(revision, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), "erin@acme.com",
                List.of(), "", List.of(new PolicyBundle.Layer("organization", revision, PolicyParser.sha256(POLICY), POLICY)), List.of(), List.of());
        return BundleSignature.sign(bundle, key.getPrivate());
    }

    private BundleSync sync(SignedState signed) {
        AgentConfig agent = new AgentConfig("Acme", Identity.of("erin@acme.com"), "machine-fresh", AgentConfig.AuditShipping.NONE,
                new AgentConfig.ServerSync(URI.create("http://127.0.0.1:9"), null, "", null, "hook-agent", "unused", 20, Duration.ofHours(1)));
        BundleSync sync = new BundleSync(agent, new PolicyHolder(null, Clock.systemUTC(), log, problems -> { }), state, key.getPublic(),
                () -> "unused", log, Clock.systemUTC());
        sync.guardFreshness(signed, new ForwardClock(Clock.systemUTC(), signed, log));
        return sync;
    }

    private void cache(String bundle) throws Exception {
        Files.createDirectories(state.resolve("bundle"));
        Files.writeString(state.resolve("bundle/current.json"), bundle);
    }

    @Test
    void anOlderCachedBundleIsRefusedOnRestart() throws Exception {
        String older = signed(5);
        cache(signed(7));
        SignedState signed = SignedState.open(state);
        try (BundleSync first = sync(signed)) {
            assertThat(first.activateCached()).isEmpty();
        }
        cache(older); // put back while the agent was down
        try (BundleSync restarted = sync(SignedState.open(state))) {
            assertThat(restarted.activateCached()).get().asString()
                    .contains("has revision 5, older than revision 7 this agent already enforced");
        }
    }

    @Test
    void anEditedFloorIsCaughtAndTheCacheIsNotTrusted() throws Exception {
        cache(signed(7));
        try (BundleSync first = sync(SignedState.open(state))) {
            assertThat(first.activateCached()).isEmpty();
        }
        Path floor = state.resolve("signed").resolve(BundleSync.REVISION_FLOOR);
        Files.writeString(floor, Files.readString(floor).replaceFirst("^7", "1"));
        try (BundleSync restarted = sync(SignedState.open(state))) {
            assertThat(restarted.activateCached()).get().asString().contains("was altered outside the agent");
        }
    }

    @Test
    void aClockSetBackRevivesNoGrant() throws Exception {
        SignedState signed = SignedState.open(state);
        Instant seen = Instant.parse("2026-12-05T12:00:00Z");
        ForwardClock running = new ForwardClock(Clock.fixed(seen, ZoneOffset.UTC), signed, log);
        running.persist();
        // restarted with the laptop's clock set back a month: the grant that expired at noon stays expired
        ForwardClock restarted = new ForwardClock(Clock.fixed(seen.minus(Duration.ofDays(30)), ZoneOffset.UTC), signed, log);
        assertThat(restarted.instant()).isAfterOrEqualTo(seen);
        // a verified bundle created later than the clock says moves time forward too
        Instant created = seen.plus(Duration.ofHours(2));
        restarted.seen(created);
        assertThat(restarted.instant()).isAfterOrEqualTo(created);
        // a clock ahead is taken as it is (grants expire early: fail closed)
        Instant ahead = seen.plus(Duration.ofDays(3));
        assertThat(new ForwardClock(Clock.fixed(ahead, ZoneOffset.UTC), signed, log).instant()).isEqualTo(ahead);

        Path file = state.resolve("signed").resolve(ForwardClock.LATEST_SEEN);
        Files.writeString(file, Files.readString(file).replaceFirst("^\\d+", "1"));
        assertThatThrownBy(() -> signed.read(ForwardClock.LATEST_SEEN)).isInstanceOf(SignedState.Tampered.class);
    }
}
