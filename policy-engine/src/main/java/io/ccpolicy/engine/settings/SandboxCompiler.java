package io.ccpolicy.engine.settings;

import io.ccpolicy.engine.eval.Wildcard;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyType;
import io.ccpolicy.engine.model.Target;
import io.ccpolicy.engine.settings.SandboxPlan.Mapping;
import io.ccpolicy.engine.settings.SandboxPlan.Mode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the policy into Claude Code's OS sandbox ({@code sandbox.*} managed settings): writePath allowlists become
 * {@code filesystem.allowWrite}, writePath denylists {@code denyWrite}, readPath denylists {@code denyRead}, webDomain
 * allowlists {@code network.allowedDomains} (with no webDomain allowlist the network stays open). Checked with the real
 * CLI 2.1.331 on Linux (bubblewrap): an absolute path or {@code ~/...} works, a trailing {@code /**} means the directory,
 * a glob anywhere else is not expanded. So a glob the sandbox cannot express becomes the tighter concrete set: for a deny,
 * its literal parent directory; for an allow, the existing paths the host lists; a file-name or working-directory pattern
 * is left to the hook. Every value's mapping is returned for {@code effective-config}.
 */
public final class SandboxCompiler {

    /** Lists the existing paths an absolute glob (or {@code ~/} glob) matches; the engine does no I/O itself. */
    @FunctionalInterface
    public interface GlobExpander {
        GlobExpander NONE = glob -> List.of();

        List<String> existing(String glob);
    }

    private SandboxCompiler() {
    }

    public static SandboxPlan plan(PolicyDocument document, Identity identity, String project, Instant now, GlobExpander expander) {
        Mode mode = mode(document);
        if (mode == Mode.OFF) {
            return new SandboxPlan(mode, Map.of(), List.of(), new SandboxPlan.Skip(false, "the sandbox is off"));
        }
        List<Mapping> mappings = new ArrayList<>();
        List<Set<String>> allowLists = new ArrayList<>();
        Set<String> denyWrite = new LinkedHashSet<>();
        Set<String> denyRead = new LinkedHashSet<>();
        Set<String> domains = null;
        for (Policy policy : document.policies()) {
            Target target = policy.target();
            boolean pathTarget = target == Target.WRITE_PATH || target == Target.READ_PATH;
            if (!pathTarget && target != Target.WEB_DOMAIN) {
                continue;
            }
            String setting = setting(policy);
            if (setting == null) {
                continue;
            }
            if (!ManagedSettingsCompiler.blocks(policy, document, identity, project, now)) {
                policy.values().forEach(v -> mappings.add(new Mapping(policy.name(), setting, v, List.of(),
                        "not in the sandbox: the policy does not block this developer (mode, severity, scope or exception)")));
                continue;
            }
            if (target == Target.WEB_DOMAIN) {
                Set<String> these = new LinkedHashSet<>();
                for (String value : policy.values()) {
                    List<String> emitted = value.equals("*") || value.startsWith("*.") ? List.of(value) : List.of(value, "*." + value);
                    these.addAll(emitted);
                    mappings.add(new Mapping(policy.name(), setting, value, emitted, ""));
                }
                if (domains == null) {
                    domains = these;
                } else {
                    domains.retainAll(these);
                }
                continue;
            }
            boolean allow = policy.type() == PolicyType.ALLOWLIST;
            Set<String> these = new LinkedHashSet<>();
            for (String value : policy.values()) {
                Translation t = translate(value, allow, expander);
                these.addAll(t.emitted());
                mappings.add(new Mapping(policy.name(), setting, value, t.emitted(), t.note()));
            }
            if (setting.equals("filesystem.allowWrite")) {
                allowLists.add(these);
            } else if (setting.equals("filesystem.denyWrite")) {
                denyWrite.addAll(these);
            } else {
                denyRead.addAll(these);
            }
        }
        Map<String, Object> filesystem = new LinkedHashMap<>();
        // Without a writePath allowlist the policy allows writing anywhere, so must the sandbox (its default is the project only).
        filesystem.put("allowWrite", allowLists.isEmpty() ? List.of("/") : new ArrayList<>(intersection(allowLists)));
        if (!denyWrite.isEmpty()) {
            filesystem.put("denyWrite", new ArrayList<>(denyWrite));
        }
        if (!denyRead.isEmpty()) {
            filesystem.put("denyRead", new ArrayList<>(denyRead));
        }
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("allowedDomains", domains == null ? List.of("*") : new ArrayList<>(domains));
        if (domains != null) {
            network.put("allowManagedDomainsOnly", true);
        }
        SandboxPlan.Skip skip = skip(document, (List<?>) filesystem.get("allowWrite"));
        Map<String, Object> sandbox = new LinkedHashMap<>();
        sandbox.put("enabled", true);
        sandbox.put("failIfUnavailable", mode == Mode.REQUIRED);
        // with a skip, the agent alone asks for an unsandboxed run (dangerouslyDisableSandbox), and answers its own permission request
        sandbox.put("allowUnsandboxedCommands", skip.provenReadOnly());
        sandbox.put("filesystem", filesystem);
        sandbox.put("network", network);
        return new SandboxPlan(mode, sandbox, List.copyOf(mappings), skip);
    }

    /** The document's {@code enforcement.os_sandbox}; by default required when it has writePath or readPath policies. */
    public static Mode mode(PolicyDocument document) {
        Object enforcement = document.claudeCode().get("enforcement");
        if (enforcement instanceof Map<?, ?> e && e.get("os_sandbox") instanceof String chosen) {
            return switch (chosen) {
                case "required" -> Mode.REQUIRED;
                case "best-effort" -> Mode.BEST_EFFORT;
                default -> Mode.OFF;
            };
        }
        boolean paths = document.policies().stream().anyMatch(p -> p.target() == Target.WRITE_PATH || p.target() == Target.READ_PATH);
        return paths ? Mode.REQUIRED : Mode.OFF;
    }

    /**
     * Whether a command proven read-only may run outside the sandbox. Only when no hook but the managed ones runs
     * ({@code allowManagedHooksOnly}): Claude Code applies the tool input of the hook that answers last, so any other hook
     * could ask for an unsandboxed run. Only when the sandbox keeps writes away from {@code /bin} and {@code /usr/bin},
     * where the commands such a run names are looked up.
     */
    static SandboxPlan.Skip skip(PolicyDocument document, List<?> allowWrite) {
        Object enforcement = document.claudeCode().get("enforcement");
        if (enforcement instanceof Map<?, ?> e && "never".equals(e.get("os_sandbox_skip"))) {
            return new SandboxPlan.Skip(false, "enforcement.os_sandbox_skip is never: every Bash command runs in the sandbox");
        }
        if (!Boolean.TRUE.equals(document.claudeCode().get("allowManagedHooksOnly"))) {
            return new SandboxPlan.Skip(false, "every Bash command runs in the sandbox: proven read-only commands could skip it only with "
                    + "claude_code.allowManagedHooksOnly: true (another hook could otherwise ask for an unsandboxed run)");
        }
        boolean toolRules = document.policies().stream().anyMatch(p -> p.target() == Target.TOOL && p.values().stream().anyMatch(v -> v.startsWith("Bash(")));
        if (toolRules || UnsandboxedRun.bashRulesIn(document.claudeCode())) {
            return new SandboxPlan.Skip(false, "every Bash command runs in the sandbox: the policy has permission rules on Bash commands "
                    + "(claude_code.permissions or a tool policy), which would not see a command rewritten to run outside it");
        }
        for (Object entry : allowWrite) {
            String dir = directory(entry.toString());
            if (dir.isEmpty() || "/usr/bin".startsWith(dir + "/") || "/bin".startsWith(dir + "/") || dir.equals("/usr/bin") || dir.equals("/bin")) {
                return new SandboxPlan.Skip(false, "every Bash command runs in the sandbox: it lets commands write to " + (dir.isEmpty() ? "/" : dir)
                        + ", so the programs a command names cannot be trusted outside it");
            }
        }
        return new SandboxPlan.Skip(true, "a Bash command the policy engine proves read-only (only reading and printing, through "
                + "commands that run nothing else) runs outside the sandbox, in a fresh bash with PATH=/usr/bin:/bin; everything else runs in it");
    }

    /** A sandbox path entry as the directory it stands for: {@code /home/**} and {@code /home/} are {@code /home}, {@code /} is "". */
    static String directory(String entry) {
        return entry.replaceAll("(/\\*\\*)?/*$", "");
    }

    private static String setting(Policy policy) {
        return switch (policy.target()) {
            case WRITE_PATH -> policy.type() == PolicyType.ALLOWLIST ? "filesystem.allowWrite"
                    : policy.type() == PolicyType.DENYLIST ? "filesystem.denyWrite" : null;
            case READ_PATH -> policy.type() == PolicyType.DENYLIST ? "filesystem.denyRead" : null;
            case WEB_DOMAIN -> policy.type() == PolicyType.ALLOWLIST ? "network.allowedDomains" : null;
            default -> null;
        };
    }

    record Translation(List<String> emitted, String note) {
    }

    /** One path pattern in the sandbox's terms. */
    static Translation translate(String value, boolean allow, GlobExpander expander) {
        String v = value.trim();
        boolean home = v.equals("~") || v.startsWith("~/");
        if (!home && v.indexOf('/') < 0) {
            return new Translation(List.of(), "a file-name pattern cannot be expressed in the sandbox; the hook enforces it");
        }
        if (!home && !v.startsWith("/")) {
            return new Translation(List.of(), "a pattern relative to the working directory cannot be expressed in managed settings; "
                    + "the hook enforces it");
        }
        // our '*' crosses directories, so "dir/*" and "dir/**" both mean the directory's whole subtree
        while (v.endsWith("/*") || v.endsWith("/**")) {
            v = v.substring(0, v.lastIndexOf('/'));
        }
        if (v.isEmpty()) {
            v = "/";
        }
        int glob = Wildcard.firstGlob(v);
        if (glob < 0) {
            return new Translation(List.of(v), "");
        }
        if (!allow) {
            String parent = v.substring(0, v.lastIndexOf('/', glob));
            if (parent.isEmpty() || parent.equals("~")) {
                return new Translation(List.of(), "the glob cannot be expressed in the sandbox and its directory is too broad to deny; "
                        + "the hook enforces it");
            }
            return new Translation(List.of(parent), "the glob cannot be expressed in the sandbox (Linux takes no globs): it denies the "
                    + "whole directory " + parent + " (tighter)");
        }
        List<String> existing = expander.existing(v);
        return new Translation(List.copyOf(existing), existing.isEmpty()
                ? "the glob cannot be expressed in the sandbox and matches nothing yet: no write there is allowed (tighter); "
                        + "the hook judges each write"
                : "the glob cannot be expressed in the sandbox: it allows the directories that exist now (tighter); "
                        + "the agent rewrites the settings when the policy changes");
    }

    /** Only what every allowlist allows: an entry stays when each list holds it or a directory above it. */
    private static Set<String> intersection(List<Set<String>> lists) {
        Set<String> result = new LinkedHashSet<>();
        for (Set<String> list : lists) {
            for (String entry : list) {
                if (lists.stream().allMatch(other -> other.stream().anyMatch(o -> o.equals(entry) || o.equals("/")
                        || entry.startsWith(o + "/")))) {
                    result.add(entry);
                }
            }
        }
        return result;
    }
}
