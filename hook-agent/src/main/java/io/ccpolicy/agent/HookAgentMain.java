package io.ccpolicy.agent;

import io.ccpolicy.agent.cli.Args;
import io.ccpolicy.agent.cli.CommandCatalog;
import io.ccpolicy.agent.cli.DiffCommand;
import io.ccpolicy.agent.cli.EffectiveConfigCommand;
import io.ccpolicy.agent.cli.ExplainCommand;
import io.ccpolicy.agent.cli.LoginCommand;
import io.ccpolicy.agent.cli.InstallCommands;
import io.ccpolicy.agent.cli.RequestExceptionCommand;
import io.ccpolicy.agent.cli.ServeCommand;
import io.ccpolicy.agent.cli.StatusCommand;
import io.ccpolicy.agent.cli.TestCommand;
import io.ccpolicy.agent.cli.UsageException;
import io.ccpolicy.agent.cli.ValidateCommand;
import io.ccpolicy.agent.cli.VerifyAuditCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import picocli.AutoComplete;

/**
 * Entry point of {@code bin/hook-agent}: dispatches to the command; {@link CommandCatalog} declares them, their options
 * and help. Exit codes: 0 success, 1 the command found a problem, 2 wrong usage.
 */
public final class HookAgentMain {

    private HookAgentMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help") && args.length == 1) {
            out.print(CommandCatalog.all().getUsageMessage());
            return 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "help" -> {
                    out.print(CommandCatalog.help(args[1]));
                    yield 0;
                }
                case "version", "--version" -> {
                    Args.parse(rest, "version");
                    out.println("hook-agent " + version());
                    yield 0;
                }
                case "completion" -> {
                    Args.parse(rest, "completion");
                    out.print(AutoComplete.bash("hook-agent", CommandCatalog.all()));
                    yield 0;
                }
                case "validate" -> ValidateCommand.run(rest, out, err);
                case "test" -> TestCommand.run(rest, out, err);
                case "explain" -> ExplainCommand.run(rest, out, err);
                case "diff" -> DiffCommand.run(rest, out, err);
                case "effective-config" -> EffectiveConfigCommand.run(rest, out, err);
                case "serve" -> ServeCommand.run(rest, out, err);
                case "settings" -> InstallCommands.settings(rest, out, err);
                case "install" -> InstallCommands.install(rest, out, err);
                case "uninstall" -> InstallCommands.uninstall(rest, out, err);
                case "status" -> StatusCommand.run(rest, out, err);
                case "login" -> LoginCommand.login(rest, out, err);
                case "logout" -> LoginCommand.logout(rest, out, err);
                case "enroll" -> LoginCommand.enroll(rest, out, err);
                case "verify-audit" -> VerifyAuditCommand.run(rest, out, err);
                case "request-exception" -> RequestExceptionCommand.run(rest, out, err, System.getenv());
                default -> throw CommandCatalog.unknown(args[0]);
            };
        } catch (UsageException e) {
            if (e.help() != null) {
                out.print(e.help());
                return 0;
            }
            err.println("hook-agent: " + e.getMessage());
            err.println(e.command() == null ? "Run 'hook-agent help' for usage." : "Run 'hook-agent " + e.command() + " --help' for usage.");
            return 2;
        } catch (RuntimeException e) {
            // A bug, not the user's fault: say so plainly, without a stack trace.
            err.println("hook-agent: internal error: " + e);
            return 1;
        }
    }

    private static String version() {
        String version = HookAgentMain.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
