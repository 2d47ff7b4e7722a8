package io.ccpolicy.agent.config;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** One-line, timestamped log records on stderr: the daemon's log goes wherever its service manager puts stderr. */
public final class AgentLog {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final PrintStream err;

    public AgentLog(PrintStream err) {
        this.err = err;
    }

    public void info(String message) {
        log("INFO ", message);
    }

    public void warn(String message) {
        log("WARN ", message);
    }

    public void error(String message) {
        log("ERROR", message);
    }

    private synchronized void log(String level, String message) {
        err.println(LocalTime.now().format(TIME) + " " + level + " " + message);
    }
}
