package io.ccpolicy.agent;

import java.io.PrintStream;

/** Lets tests in other packages run the CLI in-process. */
public final class HookAgentMainAccess {

    private HookAgentMainAccess() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return HookAgentMain.run(args, out, err);
    }
}
