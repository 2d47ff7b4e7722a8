package io.ccpolicy.engine.parse;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * The optional {@code enforcement} section: {@code fail_mode} (closed, the default: Claude Code blocks when the agent
 * cannot answer; open: it proceeds and the outage is recorded), {@code exception_url} (shown in violation messages) and
 * {@code max_staleness} (how long an agent may enforce a bundle it could not refresh, e.g. 72h) and {@code os_sandbox}
 * (required, best-effort or off: whether Claude Code's OS sandbox, compiled from the policy, confines every Bash command)
 * and {@code os_sandbox_skip} (proven-read-only, the default, or never: whether a Bash command the engine proves
 * read-only runs outside the sandbox, which costs most of a Bash call's time).
 */
public final class EnforcementSection {

    public static final String KEY = "enforcement";
    private static final Set<String> KEYS = Set.of("fail_mode", "exception_url", "max_staleness", "os_sandbox", "os_sandbox_skip");
    public static final Set<String> SANDBOX_MODES = Set.of("required", "best-effort", "off");
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

    private EnforcementSection() {
    }

    static Map<String, Object> validate(YamlReader yaml, Node node) {
        if (YamlReader.isNull(node)) {
            return Map.of();
        }
        Map<String, NodeTuple> fields = yaml.mapping(node, KEY, KEYS);
        if (fields == null) {
            return Map.of();
        }
        Map<String, Object> section = new LinkedHashMap<>();
        String failMode = yaml.string(fields, "fail_mode", KEY, false, node);
        if (failMode != null) {
            if (failMode.equals("closed") || failMode.equals("open")) {
                section.put("fail_mode", failMode);
            } else {
                yaml.problem(YamlReader.value(fields, "fail_mode"), KEY, "fail_mode must be 'closed' or 'open', found '" + failMode + "'");
            }
        }
        String url = yaml.string(fields, "exception_url", KEY, false, node);
        if (url != null) {
            section.put("exception_url", url);
        }
        String staleness = yaml.string(fields, "max_staleness", KEY, false, node);
        if (staleness != null) {
            if (duration(staleness).isPresent()) {
                section.put("max_staleness", staleness);
            } else {
                yaml.problem(YamlReader.value(fields, "max_staleness"), KEY, "max_staleness must be a duration like 90m, 72h or 7d, found '"
                        + staleness + "'");
            }
        }
        String sandbox = yaml.string(fields, "os_sandbox", KEY, false, node);
        if (sandbox != null) {
            if (SANDBOX_MODES.contains(sandbox)) {
                section.put("os_sandbox", sandbox);
            } else {
                yaml.problem(YamlReader.value(fields, "os_sandbox"), KEY, "os_sandbox must be 'required', 'best-effort' or 'off', found '"
                        + sandbox + "'");
            }
        }
        String skip = yaml.string(fields, "os_sandbox_skip", KEY, false, node);
        if (skip != null) {
            if (skip.equals("proven-read-only") || skip.equals("never")) {
                section.put("os_sandbox_skip", skip);
            } else {
                yaml.problem(YamlReader.value(fields, "os_sandbox_skip"), KEY, "os_sandbox_skip must be 'proven-read-only' or 'never', found '"
                        + skip + "'");
            }
        }
        return section;
    }

    /** Parses {@code 30s}, {@code 90m}, {@code 72h}, {@code 7d}. */
    public static Optional<Duration> duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        });
    }
}
