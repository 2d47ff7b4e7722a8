package io.ccpolicy.agent.cli;

/**
 * The command line is wrong (exit code 2); the message says how. A request for a command's help ends the same way,
 * since the command must not run, but carries the help to print (exit code 0).
 */
public class UsageException extends Exception {

    private final String command;
    private final String help;

    public UsageException(String message) {
        this(message, null, null);
    }

    /** Wrong usage of {@code command}, whose help tells the right one. */
    public UsageException(String message, String command) {
        this(message, command, null);
    }

    private UsageException(String message, String command, String help) {
        super(message);
        this.command = command;
        this.help = help;
    }

    static UsageException help(String help) {
        return new UsageException("help requested", null, help);
    }

    /** The help asked for with {@code --help}, or null when the usage was wrong. */
    public String help() {
        return help;
    }

    /** The command whose usage was wrong, or null when it is not known. */
    public String command() {
        return command;
    }
}
