package io.ccpolicy.agent.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** What the command line gave one command: {@code --name value} options, {@code --flag} switches, positionals. */
public final class Args {

    private final Map<String, String> options = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private final Set<String> flagsGiven = new java.util.HashSet<>();

    private Args() {
    }

    /**
     * What {@code argv} gives the command {@code name} of {@link CommandCatalog}: a misspelt or unknown option, or one
     * without its value, is a {@link UsageException} naming it (with the nearest options), as is a request for help,
     * which carries the command's help text.
     */
    public static Args parse(List<String> argv, String name) throws UsageException {
        Optional<Args> plain = plain(argv, name);
        return plain.isPresent() ? plain.get() : parsedByPicocli(argv, name);
    }

    /**
     * The common case without picocli: every token a known {@code --option} with a value that does not start with
     * {@code -}, or a known switch, each given once, and no positional. Anything else is left to picocli, which parses
     * it and explains what is wrong. Picocli's classes are Java 5 class files, which AppCDS cannot archive: loading and
     * verifying them took about 100 ms of the daemon's 415-482 ms start (async-profiler, wall clock).
     */
    static Optional<Args> plain(List<String> argv, String name) {
        Map<String, CommandCatalog.Option> known = CommandCatalog.options(name);
        if (known == null) {
            return Optional.empty();
        }
        Args args = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String token = argv.get(i);
            CommandCatalog.Option option = token.startsWith("--") ? known.get(token.substring(2)) : null;
            if (option == null || args.options.containsKey(option.name()) || args.flagsGiven.contains(option.name())) {
                return Optional.empty();
            }
            if (option.label() == null) {
                args.flagsGiven.add(option.name());
            } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
                args.options.put(option.name(), argv.get(++i));
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(args);
    }

    static Args parsedByPicocli(List<String> argv, String name) throws UsageException {
        CommandLine command = CommandCatalog.of(name);
        ParseResult parsed;
        try {
            parsed = command.parseArgs(argv.toArray(String[]::new));
        } catch (CommandLine.UnmatchedArgumentException e) {
            List<String> unknown = e.getUnmatched().stream().filter(a -> a.startsWith("-")).toList();
            String near = e.getSuggestions().isEmpty() ? "" : " (did you mean " + e.getSuggestions().get(0) + "?)";
            throw new UsageException(unknown.isEmpty() ? e.getMessage() : "unknown option " + unknown.get(0) + near, name);
        } catch (CommandLine.MissingParameterException e) {
            CommandLine.Model.ArgSpec missing = e.getMissing().get(0);
            throw new UsageException((missing instanceof OptionSpec option ? "option " + option.longestName() : missing.paramLabel())
                    + " needs a value", name);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException(e.getMessage(), name);
        }
        if (parsed.isUsageHelpRequested()) {
            throw UsageException.help(CommandCatalog.help(name));
        }
        Args args = new Args();
        for (OptionSpec option : parsed.matchedOptions()) {
            String key = option.longestName().substring(2);
            if (option.arity().max() == 0) {
                args.flagsGiven.add(key);
            } else {
                args.options.put(key, option.getValue());
            }
        }
        args.positionals.addAll(List.of(parsed.matchedPositionalValue(0, new String[0])));
        return args;
    }

    public Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    public String required(String name) throws UsageException {
        String value = options.get(name);
        if (value == null) {
            throw new UsageException("option --" + name + " is required");
        }
        return value;
    }

    public boolean flag(String name) {
        return flagsGiven.contains(name);
    }

    public List<String> positionals() {
        return positionals;
    }
}
