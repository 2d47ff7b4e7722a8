package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.AgentLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The time grants expire by: never earlier than the latest time this agent has seen (a signed bundle's creation time,
 * or its own reading, kept in {@link SignedState} across restarts) plus the monotonic time elapsed since, so moving the
 * laptop's clock back revives no expired grant. Moving it forward only expires grants early, which fails closed.
 */
public final class ForwardClock extends Clock {

    static final String LATEST_SEEN = "latest-seen-epoch-ms";

    private final Clock wall;
    private final SignedState state;
    private final AgentLog log;
    private volatile long floorMillis;
    private volatile long floorNanos;

    public ForwardClock(Clock wall, SignedState state, AgentLog log) {
        this.wall = wall;
        this.state = state;
        this.log = log;
        long seen = 0;
        try {
            seen = state.read(LATEST_SEEN).orElse(0);
        } catch (IOException e) {
            log.warn("the agent's record of time " + e.getMessage() + "; time is taken from the clock and the next bundle");
        }
        this.floorMillis = seen;
        this.floorNanos = System.nanoTime();
    }

    /** A time known to have passed (a verified bundle's creation): now is never earlier than it. */
    public void seen(Instant instant) {
        long millis = instant.toEpochMilli();
        if (millis > instant().toEpochMilli()) {
            floorMillis = millis;
            floorNanos = System.nanoTime();
        }
        persist();
    }

    /** Records the current time as seen, so a restart does not start before it. */
    public void persist() {
        try {
            state.raise(LATEST_SEEN, instant().toEpochMilli());
        } catch (IOException e) {
            log.warn("cannot record the agent's time: " + e.getMessage());
        }
    }

    @Override
    public Instant instant() {
        long floor = floorMillis + (System.nanoTime() - floorNanos) / 1_000_000;
        Instant now = wall.instant();
        return now.toEpochMilli() >= floor ? now : Instant.ofEpochMilli(floor);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
