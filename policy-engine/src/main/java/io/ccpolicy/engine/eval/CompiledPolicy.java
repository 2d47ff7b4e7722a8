package io.ccpolicy.engine.eval;

import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyType;
import io.ccpolicy.engine.model.Target;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import com.google.re2j.Matcher;

/** A policy prepared for fast evaluation: its values parsed once into the matcher its target needs. */
final class CompiledPolicy {

    /** Why a policy did or did not fire on an event; {@code values} are the offending values when violated. */
    record Check(Outcome outcome, List<String> values, String current, String reason) {
    }

    /** APPROACHING: a limit not yet reached, past its warning share. */
    enum Outcome { NOT_APPLICABLE, PASSED, VIOLATED, APPROACHING }

    /** Shared results for the hot path, where nobody reads the reason. */
    private static final Check SKIPPED = new Check(Outcome.NOT_APPLICABLE, List.of(), null, "");
    private static final Check OK = new Check(Outcome.PASSED, List.of(), null, "");

    final Policy policy;
    final int order;
    private final Set<String> exactNames = new HashSet<>();
    private final List<String> globNames = new ArrayList<>();
    private final List<PathPattern> paths = new ArrayList<>();
    /** The same patterns lower-cased, for hosts whose file system ignores case (macOS, Windows). */
    private final List<PathPattern> foldedPaths = new ArrayList<>();
    private final List<CommandPattern> commands = new ArrayList<>();
    private final List<DomainPattern> domains = new ArrayList<>();
    private final List<String> phrases = new ArrayList<>();
    private final List<String> toolScope;

    CompiledPolicy(Policy policy, int order) {
        this.policy = policy;
        this.order = order;
        this.toolScope = policy.tools().stream().map(EventView::normalizeTool).toList();
        for (String value : policy.values()) {
            switch (policy.target()) {
                case WRITE_PATH, READ_PATH -> {
                    paths.add(new PathPattern(value));
                    foldedPaths.add(new PathPattern(value.toLowerCase(Locale.ROOT)));
                }
                case BASH_COMMAND -> commands.add(new CommandPattern(value));
                case WEB_DOMAIN -> domains.add(new DomainPattern(value));
                case PROMPT -> phrases.add(value.toLowerCase(Locale.ROOT));
                case TOOL -> {
                    String tool = EventView.normalizeTool(value);
                    // Claude Code reads "mcp__server" as every tool of that server.
                    if (tool.startsWith("mcp__") && !tool.substring(5).contains("__") && !Wildcard.hasWildcard(tool)) {
                        globNames.add(tool + "__*");
                    }
                    addName(tool);
                }
                default -> addName(value);
            }
        }
    }

    private void addName(String value) {
        if (Wildcard.hasWildcard(value)) {
            globNames.add(value);
        } else {
            exactNames.add(value);
        }
    }

    boolean toolInScope(String tool) {
        if (toolScope.isEmpty()) {
            return true;
        }
        if (tool.isEmpty()) {
            return false;
        }
        for (String scope : toolScope) {
            if (Wildcard.matches(scope, tool)) {
                return true;
            }
        }
        return false;
    }

    /** The outcome on this event; reasons for passing or skipping are only spelled out when {@code explain} asks. */
    Check check(EventView view, boolean explain) {
        Target target = policy.target();
        if (!view.applies(target)) {
            return explain ? skipped("target " + target.yaml() + " does not apply to " + describe(view)) : SKIPPED;
        }
        if (!toolInScope(view.tool)) {
            return explain ? skipped("tool " + (view.tool.isEmpty() ? "(none)" : view.tool) + " is outside tools " + policy.tools()) : SKIPPED;
        }
        PolicyType type = policy.type();
        if (type == PolicyType.REQUIRE && !view.isConfigurationEvent()) {
            return explain ? skipped("require is checked on configuration events only") : SKIPPED;
        }
        List<Value> values = view.values(target);
        Check check = switch (type) {
            case ALLOWLIST -> offending(values, view, false, "not on the allowlist");
            case DENYLIST -> offending(values, view, true, "on the denylist");
            case PATTERN_DENY -> pattern(target == Target.BASH_COMMAND ? withRawCommand(values, view) : values);
            case REQUIRE -> require(values);
            case LIMIT -> limit(values, view, explain);
        };
        if (!explain || check.outcome() == Outcome.VIOLATED || check.outcome() == Outcome.APPROACHING) {
            return check;
        }
        if (check.outcome() == Outcome.NOT_APPLICABLE) {
            return skipped("the event has no " + target.yaml() + " value");
        }
        String reason = switch (type) {
            case ALLOWLIST -> "every value is on the allowlist";
            case DENYLIST -> "no value is on the denylist";
            case PATTERN_DENY -> "pattern not found";
            case REQUIRE -> "all required values present";
            case LIMIT -> check.reason();
        };
        return new Check(Outcome.PASSED, List.of(), check.current(), reason);
    }

    private static Check skipped(String reason) {
        return new Check(Outcome.NOT_APPLICABLE, List.of(), null, reason);
    }

    private Check offending(List<Value> values, EventView view, boolean deny, String violated) {
        if (values.isEmpty()) {
            return SKIPPED;
        }
        Set<String> found = null;
        for (Value value : values) {
            boolean listed = deny ? denies(value, view) : allows(value, view);
            if (deny == listed) {
                if (found == null) {
                    found = new LinkedHashSet<>();
                }
                // a prompt is never repeated into a decision: the phrase the policy lists stands for it
                found.add(policy.target() == Target.PROMPT ? matchedPhrase(value) : value.text());
            }
        }
        return found == null ? OK
                : new Check(Outcome.VIOLATED, List.copyOf(found), null, String.join(", ", found) + " " + (found.size() == 1 ? "is " : "are ") + violated);
    }

    private boolean allows(Value value, EventView view) {
        if (value.opaque()) {
            return false;
        }
        return switch (policy.target()) {
            case WRITE_PATH, READ_PATH -> view.foldCase
                    ? foldedPaths.stream().anyMatch(p -> p.coversAll(fold(value), fold(view.home), fold(view.cwd)))
                    : paths.stream().anyMatch(p -> p.coversAll(value, view.home, view.cwd));
            case BASH_COMMAND -> commands.stream().anyMatch(c -> c.surelyMatches(value, view.shape(value), view.home));
            case WEB_DOMAIN -> domains.stream().anyMatch(d -> d.matches(value.text()));
            default -> nameListed(value.text());
        };
    }

    private boolean denies(Value value, EventView view) {
        if (value.opaque()) {
            return true;
        }
        return switch (policy.target()) {
            case WRITE_PATH, READ_PATH -> view.foldCase
                    ? foldedPaths.stream().anyMatch(p -> p.mayMatch(fold(value), fold(view.home), fold(view.cwd)))
                    : paths.stream().anyMatch(p -> p.mayMatch(value, view.home, view.cwd));
            case BASH_COMMAND -> commands.stream().anyMatch(c -> c.mayMatch(value, view.shape(value), view.home));
            case WEB_DOMAIN -> domains.stream().anyMatch(d -> d.matches(value.text()));
            case PROMPT -> {
                String text = value.text().toLowerCase(Locale.ROOT);
                yield phrases.stream().anyMatch(text::contains);
            }
            default -> nameListed(value.text());
        };
    }

    private static Value fold(Value value) {
        return new Value(value.text().toLowerCase(Locale.ROOT), value.opaque(), value.glob());
    }

    private static String fold(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    private String matchedPhrase(Value prompt) {
        String text = prompt.text().toLowerCase(Locale.ROOT);
        for (String phrase : phrases) {
            if (text.contains(phrase)) {
                return phrase;
            }
        }
        return "[REDACTED]";
    }

    private boolean nameListed(String name) {
        if (exactNames.contains(name)) {
            return true;
        }
        for (String glob : globNames) {
            if (Wildcard.matches(glob, name)) {
                return true;
            }
        }
        return false;
    }

    private Check pattern(List<Value> values) {
        if (values.isEmpty()) {
            return SKIPPED;
        }
        for (Value value : values) {
            if (value.opaque()) {
                return new Check(Outcome.VIOLATED, List.of(value.text()), null, value.text()
                        + " cannot be checked before it runs, so it is refused");
            }
            Matcher matcher = policy.pattern().matcher(value.text());
            if (matcher.find()) {
                String shown = sensitive() ? mask(matcher.group()) : matcher.group();
                return new Check(Outcome.VIOLATED, List.of(shown), null, "pattern matched '" + shown + "'");
            }
        }
        return OK;
    }

    /** Pattern rules on commands also see the whole line, so they can forbid pipelines such as {@code curl ... | sh}. */
    private static List<Value> withRawCommand(List<Value> commands, EventView view) {
        List<Value> all = new ArrayList<>(commands);
        all.add(Value.of(view.event.inputString("command")));
        return all;
    }

    private Check require(List<Value> values) {
        Set<String> present = new HashSet<>();
        values.forEach(v -> present.add(v.text()));
        List<String> missing = new ArrayList<>();
        for (String required : policy.values()) {
            boolean found = policy.target() == Target.CLAUDE_MD ? values.stream().anyMatch(v -> v.text().contains(required))
                    : present.contains(required);
            if (!found) {
                missing.add(required);
            }
        }
        return missing.isEmpty() ? OK
                : new Check(Outcome.VIOLATED, missing, null, "missing: " + String.join(", ", missing));
    }

    private Check limit(List<Value> values, EventView view, boolean explain) {
        long max = policy.max().orElseThrow();
        long current = policy.target() == Target.SESSION_TOKENS ? view.request.session().tokens(policy.count())
                : values.isEmpty() ? 0 : Long.parseLong(values.get(0).text());
        if (current > max) {
            return new Check(Outcome.VIOLATED, List.of(Long.toString(current)), Long.toString(current), current + " exceeds the limit of " + max);
        }
        if (policy.warnAtPercent() < 100 && current >= share(max, policy.warnAtPercent())) {
            return new Check(Outcome.APPROACHING, List.of(Long.toString(current)), Long.toString(current), current + " is "
                    + policy.warnAtPercent() + "% or more of the limit of " + max);
        }
        return explain ? new Check(Outcome.PASSED, List.of(), Long.toString(current), current + " is within the limit of " + max) : OK;
    }

    /** The smallest whole number at least {@code percent}% of {@code max}, exactly and without overflow. */
    static long share(long max, int percent) {
        long rest = (max % 100) * percent;
        return max / 100 * percent + rest / 100 + (rest % 100 == 0 ? 0 : 1);
    }

    private boolean sensitive() {
        Target t = policy.target();
        return t == Target.CLAUDE_MD || t == Target.PROMPT || t == Target.BASH_COMMAND;
    }

    /** Shows enough of a matched secret to find it, never the secret itself. */
    static String mask(String secret) {
        String s = secret.strip();
        if (s.length() <= 8) {
            return s.isEmpty() ? "" : s.charAt(0) + "***";
        }
        return s.substring(0, 4) + "***" + " (" + s.length() + " chars)";
    }

    private static String describe(EventView view) {
        return view.tool.isEmpty() ? view.event.name() + " events" : view.tool + " calls";
    }
}
