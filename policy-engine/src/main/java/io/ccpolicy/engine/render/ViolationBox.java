package io.ccpolicy.engine.render;

import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyType;
import io.ccpolicy.engine.model.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The guide's POLICY VIOLATION box: which policy, how severe, why, what is approved, and how to ask for an exception.
 * Every host (agent, CLI, services) shows this same text, so a developer sees one message wherever they meet it.
 */
public final class ViolationBox {

    /** Characters between "| " and " |". */
    static final int WIDTH = 62;
    private static final int MAX_LISTED = 10;
    /** A matched value longer than this is left out of the command (the exception then covers the whole policy). */
    private static final int MAX_VALUE = 300;

    private ViolationBox() {
    }

    /**
     * The guide's box, then the exception request as one line a developer can copy and paste (a command inside the
     * box would carry its borders and wrapping along). {@code value} is what matched (for {@code --value}), or empty.
     */
    public static String render(Policy policy, String message, String value, boolean ask, String exceptionUrl) {
        List<String> lines = new ArrayList<>();
        lines.add("Policy: " + policy.name());
        lines.add("Severity: " + policy.severity().yaml().toUpperCase(Locale.ROOT) + (ask ? " (confirmation required)" : ""));
        lines.add("");
        lines.add(message);
        if (policy.type() == PolicyType.ALLOWLIST) {
            lines.add("");
            if (policy.target().isPath()) {
                lines.add("Allowed paths: " + String.join(", ", policy.values()));
            } else {
                lines.add("Approved " + noun(policy.target()) + ":");
                policy.values().stream().limit(MAX_LISTED).forEach(v -> lines.add("- " + v));
                if (policy.values().size() > MAX_LISTED) {
                    lines.add("- ... and " + (policy.values().size() - MAX_LISTED) + " more");
                }
            }
        }
        lines.add("");
        lines.add("To request an exception:");
        int step = 1;
        if (exceptionUrl != null && !exceptionUrl.isEmpty()) {
            lines.add(step++ + ". Visit " + exceptionUrl);
        }
        lines.add(step++ + ". Run the command below this box, with your reason");
        lines.add(step + ". Wait for security team approval");
        return box(ask ? "POLICY CHECK: CONFIRMATION REQUIRED" : "POLICY VIOLATION", lines) + "\n" + command(policy, value);
    }

    /** hook-agent request-exception with this policy and value, every argument quoted for a POSIX shell. */
    /** The guide's ACTION LOGGED box for an allowed action that was recorded: what it was, on what, and its audit event id. */
    public static String actionLogged(String eventType, String tool, String target, String policyCheck, String eventId) {
        List<String> lines = new ArrayList<>();
        lines.add("Event: " + eventType + (tool == null || tool.isEmpty() ? "" : " (" + tool + ")"));
        if (target != null && !target.isEmpty()) {
            lines.add("Target: " + (target.length() > MAX_VALUE ? target.substring(0, MAX_VALUE) + "..." : target));
        }
        lines.add("Policy check: " + policyCheck.toUpperCase(java.util.Locale.ROOT).replace('_', ' '));
        lines.add("Audit ID: " + eventId);
        return box("ACTION LOGGED", lines);
    }

    static String command(Policy policy, String value) {
        String line = "hook-agent request-exception --policy " + quoted(policy.name());
        if (value != null && !value.isBlank() && value.length() <= MAX_VALUE) {
            line += " --value " + quoted(value);
        }
        return line + " --reason '<business justification>'";
    }

    private static String quoted(String text) {
        return text.matches("[A-Za-z0-9._/@:=+-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    static String box(String title, List<String> lines) {
        String rule = "+" + "-".repeat(WIDTH + 2) + "+";
        StringBuilder out = new StringBuilder(rule).append('\n');
        out.append(row(title)).append('\n').append(rule).append('\n');
        for (String line : lines) {
            for (String wrapped : wrap(line)) {
                out.append(row(wrapped)).append('\n');
            }
        }
        return out.append(rule).toString();
    }

    private static String row(String text) {
        return "| " + text + " ".repeat(Math.max(0, WIDTH - text.length())) + " |";
    }

    /** Wraps at spaces; a word longer than the box is cut. Continuation lines keep a list item's indent. */
    static List<String> wrap(String line) {
        List<String> out = new ArrayList<>();
        String indent = line.startsWith("- ") ? "  " : line.matches("^\\d\\. .*") ? "   " : "";
        String rest = line.replace('\n', ' ').replace('\t', ' ');
        boolean first = true;
        while (true) {
            String prefix = first ? "" : indent;
            int room = WIDTH - prefix.length();
            if (rest.length() <= room) {
                out.add(prefix + rest);
                return out;
            }
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= 0) {
                cut = room;
            }
            out.add(prefix + rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
            first = false;
        }
    }

    private static String noun(Target target) {
        return switch (target) {
            case MCP_SERVERS -> "servers";
            case TOOL -> "tools";
            case SKILLS -> "skills";
            case BASH_COMMAND -> "commands";
            case WEB_DOMAIN -> "domains";
            default -> "values";
        };
    }
}
