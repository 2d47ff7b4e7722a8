package io.ccpolicy.engine.eval;

import io.ccpolicy.engine.eval.ShellAnalyzer.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A command's arguments read by getopt rules: bundled short flags ({@code -fsSLo FILE}: the first letter that takes a
 * value takes the rest of the bundle or the next word), long options with {@code =} or the next word as value, and
 * unambiguous abbreviations of long options, as GNU getopt_long accepts them. The caller names the options that take a
 * value; every other option is a flag. GNU tools take options after operands too, so parsing goes on past operands
 * unless {@code stopAtOperand} (wrappers, whose first operand starts the command they run).
 */
final class CommandOptions {

    /** Each command's value-taking options, split once. */
    private static final Map<String, Set<String>> GRAMMARS = new ConcurrentHashMap<>();

    final List<Field> operands = new ArrayList<>();
    private final Set<String> flags = new HashSet<>();
    private final Map<String, List<Field>> values = new HashMap<>();
    private final List<Field> raw;

    private CommandOptions(List<Field> raw) {
        this.raw = raw;
    }

    static CommandOptions parse(List<Field> args, String valueOptions, boolean stopAtOperand) {
        Set<String> takesValue = GRAMMARS.computeIfAbsent(valueOptions, v -> v.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(v.split("\\|"))));
        CommandOptions options = new CommandOptions(args);
        int i = 0;
        while (i < args.size()) {
            Field arg = args.get(i);
            String a = arg.text();
            if (a.equals("--")) {
                options.operands.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (arg.dynamic() || !a.startsWith("-") || a.equals("-")) {
                options.operands.add(arg);
                i++;
                if (stopAtOperand) {
                    options.operands.addAll(args.subList(i, args.size()));
                    break;
                }
                continue;
            }
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                String name = a.substring(2, eq < 0 ? a.length() : eq);
                String full = resolveLong(name, takesValue);
                options.flags.add(full);
                if (eq >= 0) {
                    options.value(full, new Field(a.substring(eq + 1), arg.dynamic(), arg.glob()));
                } else if (takesValue.contains(full) && i + 1 < args.size()) {
                    options.value(full, args.get(++i));
                }
                i++;
                continue;
            }
            String bundle = a.substring(1);
            if (bundle.length() > 1 && takesValue.contains(bundle)) {
                // single-dash long option such as zip's -TT
                options.flags.add(bundle);
                if (i + 1 < args.size()) {
                    options.value(bundle, args.get(++i));
                }
                i++;
                continue;
            }
            for (int c = 0; c < bundle.length(); c++) {
                String letter = String.valueOf(bundle.charAt(c));
                options.flags.add(letter);
                if (takesValue.contains(letter)) {
                    if (c + 1 < bundle.length()) {
                        options.value(letter, new Field(bundle.substring(c + 1), arg.dynamic(), arg.glob()));
                    } else if (i + 1 < args.size()) {
                        options.value(letter, args.get(++i));
                    }
                    break;
                }
            }
            i++;
        }
        return options;
    }

    /** An abbreviation of a long option that takes a value counts as that option. */
    private static String resolveLong(String name, Set<String> takesValue) {
        if (takesValue.contains(name) || name.length() < 2) {
            return name;
        }
        for (String option : takesValue) {
            if (option.length() > 1 && option.startsWith(name)) {
                return option;
            }
        }
        return name;
    }

    private void value(String option, Field value) {
        values.computeIfAbsent(option, k -> new ArrayList<>()).add(value);
    }

    boolean has(String option) {
        return flags.contains(option);
    }

    /** Every value given to any of these options, in order. */
    List<Field> values(String... options) {
        List<Field> found = new ArrayList<>();
        for (String option : options) {
            found.addAll(values.getOrDefault(option, List.of()));
        }
        return found;
    }

    /** An optional value written attached to a short flag ({@code -i{}}) or after {@code =} ({@code --replace=X}). */
    Optional<String> attached(String shortOption, String longOption) {
        for (Field arg : raw) {
            String a = arg.text();
            if (a.startsWith("-" + shortOption) && !a.startsWith("--") && a.length() > 2) {
                return Optional.of(a.substring(2));
            }
            if (a.startsWith("--" + longOption + "=")) {
                return Optional.of(a.substring(longOption.length() + 3));
            }
        }
        return Optional.empty();
    }
}
