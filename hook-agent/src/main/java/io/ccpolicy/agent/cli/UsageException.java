package io.ccpolicy.agent.cli;

/** The command line is wrong (exit code 2); the message says how. */
public class UsageException extends Exception {

    public UsageException(String message) {
        super(message);
    }
}
