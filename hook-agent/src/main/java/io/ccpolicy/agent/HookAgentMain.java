package io.ccpolicy.agent;

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

/** Entry point of {@code bin/hook-agent}. Exit codes: 0 success, 1 the command found a problem, 2 wrong usage. */
public final class HookAgentMain {

    private HookAgentMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "version", "--version" -> {
                    out.println("hook-agent " + version());
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
                default -> throw new UsageException("unknown command '" + args[0] + "'");
            };
        } catch (UsageException e) {
            err.println("hook-agent: " + e.getMessage());
            err.println("Run 'hook-agent help' for usage.");
            return 2;
        } catch (RuntimeException e) {
            // A bug, not the user's fault: say so plainly, without a stack trace.
            err.println("hook-agent: internal error: " + e);
            return 1;
        }
    }

    private static void usage(PrintStream out) {
        out.println("""
                Usage: hook-agent <command> [options]

                Policy as code:
                  validate FILE...                      check policy documents; every problem as file:line:column
                  test FILE... [--junit DIR]            run policy test files; JUnit XML reports with --junit
                  explain --policy FILE --event FILE    how each policy fared on a hook event, and the verdict
                          [--user EMAIL] [--teams a,b] [--project NAME] [--tokens N] [--home DIR] [--now TIME]
                  diff OLD NEW [--events FILE]          semantic diff; with recorded events, which verdicts change
                  effective-config --policy FILE        Claude Code configuration after the policy, and what it rejected
                          [--project DIR] [--home DIR] [--user EMAIL] [--teams a,b] [--json]

                On a developer machine:
                  serve --policy FILE|DIR               the daemon Claude Code's hooks call (127.0.0.1 only)
                          [--config agent.yaml] [--state-dir DIR] [--port N] [--home DIR]
                  serve --server URL [--trust-key FP]   the same, policy from policy-service: joins it on first use
                                                        (pins its bundle key, signs you in)
                  settings [--port N] [--policy FILE]   the managed settings that route Claude Code's hooks here
                  install [--managed-dir DIR] [--port N] [--policy FILE]
                                                        write them into Claude Code's managed settings
                  uninstall [--managed-dir DIR]         restore the managed settings as they were
                  status [--port N]                     daemon health, who is signed in, policy version, exceptions, audit
                  login [--server URL --trust-key FP]   sign in as the developer (device code from the identity provider)
                                                        and enrol this machine; bundles are then issued for you, with
                                                        your teams (--server joins a platform on first use)
                  enroll                                enrol this machine's signing key again for the signed-in developer
                  logout                                forget the sign-in (organisation policies only)
                  verify-audit FILE                     recompute the audit hash chains; name what was altered
                  request-exception --policy NAME --reason TEXT [--value V] [--duration 24h] [--scope user|team|project]
                                                        ask exception-service for an exception (token in CCPOLICY_TOKEN);
                                                        --list shows your requests and their state
                  verify-audit --s3 s3://BUCKET[/PREFIX] --public-key PEM [--endpoint URL] [--from HOUR] [--to HOUR]
                                                        verify the S3 archive: signed hourly manifests, objects, chains

                Other:
                  version                               print the agent version
                  help                                  show this help

                Exit codes: 0 success, 1 the command found a problem, 2 wrong usage.""");
    }

    private static String version() {
        String version = HookAgentMain.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
