package io.ccpolicy.engine.audit;

import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.model.Policy;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.settings.SandboxPlan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Claude Code's OS sandbox stopped, read from a Bash call's result (PostToolUse output, PostToolUseFailure error):
 * writes refused with "Read-only file system", and the lines of a {@code <sandbox_violations>} block (network and file
 * denials). Each finding names the policies the sandbox enforced for it.
 */
public final class SandboxViolations {

    /** One thing the sandbox stopped, and the policies whose compiled rules stopped it. */
    public record Finding(String kind, String detail, List<String> policies) {
    }

    private static final int MAX_FINDINGS = 20;

    private SandboxViolations() {
    }

    /** {@code plan} is asked for only when the result shows a denial, so ordinary results cost no compilation. */
    public static List<Finding> find(HookEvent event, PolicyDocument document, java.util.function.Supplier<SandboxPlan> plan) {
        if (!event.toolName().equals("Bash")) {
            return List.of();
        }
        StringBuilder text = new StringBuilder(event.string("error"));
        if (event.payload().get("tool_response") instanceof Map<?, ?> response) {
            for (Object key : List.of("stdout", "stderr")) {
                if (response.get(key) instanceof String s) {
                    text.append('\n').append(s);
                }
            }
        } else if (event.payload().get("tool_response") instanceof String s) {
            text.append('\n').append(s);
        }
        if (text.indexOf("Read-only file system") < 0 && text.indexOf("<sandbox_violations>") < 0) {
            return List.of();
        }
        SandboxPlan compiled = plan.get();
        if (!compiled.active()) {
            return List.of();
        }
        Set<String> seen = new LinkedHashSet<>();
        List<Finding> findings = new ArrayList<>();
        boolean inBlock = false;
        for (String raw : text.toString().split("\n")) {
            String line = raw.strip();
            if (line.equals("<sandbox_violations>")) {
                inBlock = true;
                continue;
            }
            if (line.equals("</sandbox_violations>")) {
                inBlock = false;
                continue;
            }
            String kind = inBlock ? (line.contains("network") ? "network" : line.contains("read") ? "read" : "write")
                    : line.contains("Read-only file system") ? "write" : null;
            if (kind == null || line.isEmpty() || !seen.add(line) || findings.size() >= MAX_FINDINGS) {
                continue;
            }
            findings.add(new Finding(kind, line.length() > 300 ? line.substring(0, 300) + "..." : line, policies(kind, document, compiled)));
        }
        return findings;
    }

    /** The policies compiled into the sandbox setting that stops this kind of access. */
    private static List<String> policies(String kind, PolicyDocument document, SandboxPlan plan) {
        Set<String> names = new LinkedHashSet<>();
        for (SandboxPlan.Mapping mapping : plan.mappings()) {
            boolean matches = switch (kind) {
                case "network" -> mapping.setting().startsWith("network.");
                case "read" -> mapping.setting().equals("filesystem.denyRead");
                default -> mapping.setting().equals("filesystem.allowWrite") || mapping.setting().equals("filesystem.denyWrite");
            };
            if (matches && !mapping.emitted().isEmpty()) {
                names.add(mapping.policy());
            }
        }
        if (names.isEmpty()) {
            // the sandbox's own baseline (no policy widened it): attribute it to the document's path or domain policies
            document.policies().stream().map(Policy::name).filter(n -> plan.mappings().stream().anyMatch(m -> m.policy().equals(n)))
                    .forEach(names::add);
        }
        return List.copyOf(names);
    }
}
