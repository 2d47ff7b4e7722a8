package io.ccpolicy.agent.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A progress line for long commands ("verifying manifests 120/400 (30%)"), redrawn in place on standard error at most
 * five times a second. Only on a terminal: in CI (a {@code CI} variable set) or when standard error is not a console,
 * nothing is written, so logs and piped output stay as they were.
 */
public final class Progress implements AutoCloseable {

    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final String what;
    private final boolean shown;
    private final LongSupplier nanos;
    private long lastDrawn = Long.MIN_VALUE;
    private int width;

    Progress(PrintStream err, String what, boolean shown, LongSupplier nanos) {
        this.err = err;
        this.what = what;
        this.shown = shown;
        this.nanos = nanos;
    }

    /** Progress on {@code err} when a person watches it: a console, and not CI. */
    public static Progress of(PrintStream err, String what) {
        return new Progress(err, what, onTerminal(System.getenv(), System.console() != null), System::nanoTime);
    }

    static boolean onTerminal(Map<String, String> environment, boolean console) {
        String ci = environment.get("CI");
        return console && (ci == null || ci.isBlank() || ci.equalsIgnoreCase("false"));
    }

    /** {@code done} of {@code total} (total 0 or less: unknown, only the count is shown). */
    public void update(long done, long total) {
        if (!shown) {
            return;
        }
        long now = nanos.getAsLong();
        if (lastDrawn != Long.MIN_VALUE && now - lastDrawn < REDRAW_NANOS && done < total) {
            return;
        }
        lastDrawn = now;
        String line = what + " " + done + (total > 0 ? "/" + total + " (" + (100 * done / total) + "%)" : "");
        err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        err.flush();
        width = line.length();
    }

    /**
     * {@code target}, clearing the progress line before anything is written to it, so output printed while the command
     * runs starts on a clean line; the next update draws the progress again below it.
     */
    public PrintStream above(PrintStream target) {
        if (!shown) {
            return target;
        }
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                clear();
                target.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                clear();
                target.write(bytes, offset, length);
            }

            @Override
            public void flush() {
                target.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    private void clear() {
        if (width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
            lastDrawn = Long.MIN_VALUE;
        }
    }

    /** Clears the line, so the command's own output starts on a clean one. */
    @Override
    public void close() {
        if (shown) {
            clear();
        }
    }
}
