package io.ccpolicy.agent.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A small, strict command-line parser: {@code --name value} options, {@code --flag} switches, positionals. */
public final class Args {

    private final Map<String, String> options = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private final Set<String> flagsGiven = new java.util.HashSet<>();

    private Args() {
    }

    public static Args parse(List<String> argv, Set<String> valueOptions, Set<String> flags) throws UsageException {
        Args args = new Args();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String inline = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    inline = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name) && inline == null) {
                    args.flagsGiven.add(name);
                } else if (valueOptions.contains(name)) {
                    String value = inline != null ? inline : i + 1 < argv.size() ? argv.get(++i) : null;
                    if (value == null) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    args.options.put(name, value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                args.positionals.add(a);
            }
        }
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
