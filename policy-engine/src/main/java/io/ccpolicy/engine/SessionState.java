package io.ccpolicy.engine;

/** What the host knows about the session so far: tokens used (input + output, from the transcript). */
public record SessionState(long tokens) {

    public static final SessionState NEW = new SessionState(0);
}
