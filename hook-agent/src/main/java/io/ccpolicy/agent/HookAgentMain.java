package io.ccpolicy.agent;

import java.io.PrintStream;

/** Entry point of {@code bin/hook-agent}. Exit codes: 0 success, 1 the command found a problem, 2 wrong usage. */
public final class HookAgentMain {

    private HookAgentMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            usage(out);
            return 0;
        }
        if (args[0].equals("version") || args[0].equals("--version")) {
            out.println("hook-agent " + version());
            return 0;
        }
        err.println("hook-agent: unknown command '" + args[0] + "'");
        usage(err);
        return 2;
    }

    private static void usage(PrintStream out) {
        out.println("""
                Usage: bin/hook-agent <command> [options]

                Commands:
                  version     print the agent version
                  help        show this help""");
    }

    private static String version() {
        String version = HookAgentMain.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
