package io.ccpolicy.agent.cli;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Every command of {@code bin/hook-agent}, its options and examples, declared once: picocli parses with it, and it
 * writes each command's {@code --help}, the suggestions for a misspelt option and the shell completion script. The
 * commands themselves read what was parsed through {@link Args}.
 */
public final class CommandCatalog {

    /** An option; {@code label} is null for a switch that takes no value. */
    record Option(String name, String label, String description) {
    }

    record Command(String name, String summary, String positionals, List<Option> options, List<String> examples) {
    }

    static final String EXIT_CODES = """
            Exit codes:
              0  success: the policies are valid, the tests pass, the chain is intact, the daemon ran
              1  the command found a problem (an invalid policy, a failing test, an altered audit trail, a service that refused)
              2  wrong usage: an unknown command or option, a missing value""";

    private static final Option POLICY = new Option("policy", "FILE", "the policy document (YAML)");
    private static final Option USER = new Option("user", "EMAIL", "the developer the decision is for (default developer@example.com)");
    private static final Option TEAMS = new Option("teams", "A,B", "the developer's teams, comma-separated");
    private static final Option PROJECT_NAME = new Option("project", "NAME", "the project (repository origin) the session runs in");
    private static final Option HOME = new Option("home", "DIR", "the home directory '~' stands for (default: yours)");
    private static final Option PORT = new Option("port", "N", "the daemon's port on 127.0.0.1 (default 8765, or CCPOLICY_AGENT_PORT)");
    private static final Option CONFIG = new Option("config", "FILE", "the agent configuration (default STATE_DIR/agent.yaml)");
    private static final Option STATE_DIR = new Option("state-dir", "DIR", "where the agent keeps its state (default CCPOLICY_STATE_DIR or ~/.ccpolicy)");
    private static final Option MANAGED_DIR = new Option("managed-dir", "DIR",
            "Claude Code's managed settings directory (default /etc/claude-code on Linux)");
    private static final Option SERVER = new Option("server", "URL", "the platform's policy-service; joins it on first use");
    private static final Option TRUST_KEY = new Option("trust-key", "FP", "the bundle key fingerprint to pin (SHA256:...), from your platform team");
    private static final Option CLIENT_ID = new Option("client-id", "ID", "the identity provider's client for the device sign-in");
    private static final List<Option> INSTALL_OPTIONS = List.of(PORT, new Option("policy", "FILE",
            "a local policy to compile into the settings (default: the bundle in force)"), CONFIG, STATE_DIR, MANAGED_DIR, HOME);

    static final List<Command> COMMANDS = List.of(
            new Command("validate", "Check policy documents; every problem as file:line:column", "FILE...", List.of(),
                    List.of("hook-agent validate policies/*.yaml")),
            new Command("test", "Run policy test files", "FILE...", List.of(new Option("junit", "DIR", "also write JUnit XML reports here")),
                    List.of("hook-agent test policies/tests/*.yaml", "hook-agent test tests/ --junit target/policy-tests")),
            new Command("explain", "How each policy fared on a hook event, and the verdict", null, List.of(POLICY,
                    new Option("event", "FILE", "the hook event (Claude Code's JSON payload)"), USER, TEAMS, PROJECT_NAME,
                    new Option("tokens", "N", "tokens already spent today, for token budgets"), HOME,
                    new Option("now", "TIME", "decide as at this ISO-8601 instant (default now)")),
                    List.of("hook-agent explain --policy org.yaml --event pre-tool-use.json --user alice@acme.com --teams payments")),
            new Command("diff", "Semantic diff of two policy documents; with recorded events, which verdicts change", "OLD NEW",
                    List.of(new Option("events", "FILE", "recorded audit events (NDJSON) to replay under both"), USER, TEAMS, PROJECT_NAME, HOME),
                    List.of("hook-agent diff old.yaml new.yaml", "hook-agent diff old.yaml new.yaml --events last-week.ndjson")),
            new Command("effective-config", "Claude Code's configuration after the policy, and what it rejected", null, List.of(POLICY,
                    new Option("project", "DIR", "the project directory (default .)"), HOME, USER, TEAMS,
                    new Option("project-name", "NAME", "the project's name for project-scoped policies"),
                    new Option("json", null, "print JSON instead of text")),
                    List.of("hook-agent effective-config --policy org.yaml --project ~/src/payments")),
            new Command("serve", "The daemon Claude Code's hooks call (127.0.0.1 only)", null, List.of(
                    new Option("policy", "FILE|DIR", "enforce a local policy (instead of the platform's bundles)"), SERVER, TRUST_KEY, CONFIG,
                    STATE_DIR, PORT, HOME, new Option("managed-dir", "DIR", "keep Claude Code's managed settings in step with each new bundle")),
                    List.of("hook-agent serve --policy org.yaml", "hook-agent serve --server https://policy.acme.com --trust-key SHA256:...")),
            new Command("settings", "Print the managed settings that route Claude Code's hooks here", null, INSTALL_OPTIONS,
                    List.of("hook-agent settings --port 8765")),
            new Command("install", "Write the managed settings into Claude Code's managed settings directory", null, INSTALL_OPTIONS,
                    List.of("sudo hook-agent install")),
            new Command("uninstall", "Restore the managed settings as they were before install", null, INSTALL_OPTIONS,
                    List.of("sudo hook-agent uninstall")),
            new Command("status", "Daemon health, who is signed in, policy version, exceptions, audit", null, List.of(PORT, STATE_DIR),
                    List.of("hook-agent status")),
            new Command("login", "Sign in as the developer (device code) and enrol this machine", null, List.of(CLIENT_ID, CONFIG, STATE_DIR,
                    SERVER, TRUST_KEY),
                    List.of("hook-agent login", "hook-agent login --server https://policy.acme.com --trust-key SHA256:...")),
            new Command("enroll", "Enrol this machine's signing key again for the signed-in developer", null, List.of(CLIENT_ID, CONFIG,
                    STATE_DIR), List.of("hook-agent enroll")),
            new Command("logout", "Forget the sign-in (organisation policies only)", null, List.of(STATE_DIR), List.of("hook-agent logout")),
            new Command("verify-audit", "Recompute the audit hash chains of a file, or verify the S3 archive; name what was altered",
                    "[FILE]", List.of(new Option("enrolments", "FILE", "the platform's enrolments (JSON): check each event's signature too"),
                    new Option("from-first", null, "the file must start at the chain's first event"),
                    new Option("s3", "s3://BUCKET[/PREFIX]", "verify the archive instead: signed hourly manifests, objects, chains"),
                    new Option("public-key", "PEM", "the archive's manifest signing key (with --s3)"),
                    new Option("endpoint", "URL", "the S3 endpoint (default AWS for --region)"),
                    new Option("region", "REGION", "the S3 region (default us-east-1)"),
                    new Option("from", "HOUR", "first archive hour to verify (yyyy-MM-ddTHH)"), new Option("to", "HOUR", "last archive hour")),
                    List.of("hook-agent verify-audit ~/.ccpolicy/audit/audit.jsonl",
                            "hook-agent verify-audit --s3 s3://acme-audit --public-key manifests.pem --from 2026-12-01T00")),
            new Command("request-exception", "Ask exception-service for an exception (token in CCPOLICY_TOKEN or the sign-in); the newest call "
                    + "the policy refused on this machine goes with it, for the approver", null, List.of(
                    new Option("policy", "NAME", "the policy to be exempted from"), new Option("reason", "TEXT", "why, for the approver"),
                    new Option("value", "V", "the one value to exempt (a command, server or path)"),
                    new Option("duration", "D", "how long (default 24h)"), new Option("scope", "user|team|project", "for whom (default user)"),
                    new Option("scope-value", "V", "the team or project (default: yours)"),
                    new Option("server", "URL", "exception-service (default CCPOLICY_EXCEPTIONS_URL or agent.yaml)"),
                    new Option("token-file", "FILE", "read the bearer token from this file"), STATE_DIR,
                    new Option("list", null, "list your requests and their state instead")),
                    List.of("hook-agent request-exception --policy no-force-push --reason \"release hotfix\" --duration 4h",
                            "hook-agent request-exception --list")),
            new Command("completion", "Print the bash/zsh completion script", null, List.of(),
                    List.of("source <(hook-agent completion)", "hook-agent completion > /etc/bash_completion.d/hook-agent")),
            new Command("version", "Print the agent version", null, List.of(), List.of("hook-agent version")));

    private static final Map<String, Command> BY_NAME = COMMANDS.stream().collect(Collectors.toMap(Command::name, Function.identity()));

    private CommandCatalog() {
    }

    /** The help of the command {@code name}. */
    public static String help(String name) throws UsageException {
        if (!BY_NAME.containsKey(name)) {
            throw unknown(name);
        }
        return all().getSubcommands().get(name).getUsageMessage(); // as a subcommand: "Usage: hook-agent NAME"
    }

    /** An unknown command, named, with the command nearest it (picocli orders its suggestions by likeness). */
    public static UsageException unknown(String name) {
        List<String> near = List.of();
        try {
            all().parseArgs(name);
        } catch (CommandLine.UnmatchedArgumentException e) {
            near = e.getSuggestions();
        } catch (CommandLine.ParameterException e) {
            // an option, not a command: nothing is near it
        }
        return new UsageException("unknown command '" + name + "'" + (near.isEmpty() ? "" : " (did you mean " + near.get(0) + "?)"));
    }

    /** The whole command line: {@code hook-agent} and every command under it. */
    public static CommandLine all() {
        CommandSpec root = CommandSpec.create().name("hook-agent");
        root.usageMessage().description("Enforces Claude Code policies on this machine, and checks policy documents and audit trails.")
                .footerHeading("%n").footer(EXIT_CODES.split("\n"));
        root.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help").build());
        CommandLine line = new CommandLine(root);
        for (Command command : COMMANDS) {
            line.addSubcommand(command.name(), of(command.name()));
        }
        return line;
    }

    /** The options of the command {@code name} by name (without {@code --}), or null for an unknown command. */
    static Map<String, Option> options(String name) {
        Command command = BY_NAME.get(name);
        return command == null ? null : command.options().stream().collect(Collectors.toMap(Option::name, Function.identity()));
    }

    /** One command's parser and help. */
    static CommandLine of(String name) {
        Command command = BY_NAME.get(name);
        CommandSpec spec = CommandSpec.create().name(command.name());
        UsageMessageSpec usage = spec.usageMessage().description(command.summary()).sortOptions(false);
        usage.footerHeading("%nExamples:%n").footer(command.examples().stream().map(e -> "  " + e).toArray(String[]::new));
        for (Option option : command.options()) {
            OptionSpec.Builder builder = OptionSpec.builder("--" + option.name()).description(option.description());
            spec.addOption(option.label() == null ? builder.arity("0").type(boolean.class).build()
                    : builder.arity("1").paramLabel(option.label()).type(String.class).build());
        }
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("show this help").build());
        PositionalParamSpec.Builder positionals = PositionalParamSpec.builder().arity("0..*").type(String[].class).paramLabel(
                command.positionals() == null ? "" : command.positionals());
        if (command.positionals() == null) {
            positionals.hidden(true);
        }
        spec.addPositional(positionals.build());
        return new CommandLine(spec).setUnmatchedOptionsArePositionalParams(false);
    }
}
