package io.ccpolicy.agent.cli;

import io.ccpolicy.agent.hook.Workspace;
import io.ccpolicy.agent.install.ExistingPaths;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.config.ClaudeCodeLayers;
import io.ccpolicy.engine.config.ConfigurationMerger;
import io.ccpolicy.engine.config.EffectiveConfiguration;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.settings.SandboxCompiler;
import io.ccpolicy.engine.settings.SandboxPlan;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code effective-config --policy FILE [--project DIR] [--home DIR] [--user EMAIL] [--teams a,b] [--json]}: reads
 * Claude Code's own files for the project and the user and prints the configuration that survives the policy, with
 * what was rejected and why. Exit 1 when something was rejected, so scripts can gate on it.
 */
public final class EffectiveConfigCommand {

    private EffectiveConfigCommand() {
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err) throws UsageException {
        Args args = Args.parse(argv, "effective-config");
        Path project = Path.of(args.option("project").orElse(".")).toAbsolutePath().normalize();
        Path home = Path.of(args.option("home").orElse(System.getProperty("user.home"))).toAbsolutePath().normalize();
        try {
            PolicyDocument document = PolicyFiles.load(Path.of(args.required("policy")), err);
            ClaudeCodeLayers layers = new ClaudeCodeLayers(
                    jsonFile(project.resolve(".mcp.json"), err),
                    jsonFile(project.resolve(".claude/settings.json"), err),
                    jsonFile(home.resolve(".claude.json"), err),
                    jsonFile(home.resolve(".claude/settings.json"), err),
                    project.toString(),
                    Workspace.skills(project.resolve(".claude/skills")),
                    Workspace.skills(home.resolve(".claude/skills")));
            Identity identity = Identities.from(args);
            PolicyEngine engine = PolicyEngine.compile(document, "local", Clock.systemUTC(), () -> UUID.randomUUID().toString());
            EffectiveConfiguration effective = ConfigurationMerger.merge(engine, identity,
                    args.option("project-name").orElse(project.getFileName() == null ? "" : project.getFileName().toString()),
                    home.toString(), layers);
            SandboxPlan sandbox = SandboxCompiler.plan(document, identity, args.option("project-name").orElse(""),
                    java.time.Instant.now(), new ExistingPaths(home));
            if (args.flag("json")) {
                Map<String, Object> json = new java.util.LinkedHashMap<>(Json.MAPPER.convertValue(effective, Map.class));
                json.put("osSandbox", sandbox);
                out.println(Json.write(json));
            } else {
                print(effective, project, home, out);
                printSandbox(sandbox, out);
            }
            return effective.rejected().isEmpty() ? 0 : 1;
        } catch (PolicyFiles.Reported e) {
            return e.exitCode();
        }
    }

    private static void print(EffectiveConfiguration effective, Path project, Path home, PrintStream out) {
        out.println("Effective Claude Code configuration for " + project + " (home " + home + ")");
        out.println();
        out.println("MCP servers:");
        effective.mcpServers().forEach(i -> out.println("  " + i.name() + "  (" + i.layer().name().toLowerCase() + ")"));
        if (effective.mcpServers().isEmpty()) {
            out.println("  (none)");
        }
        out.println("Skills:");
        effective.skills().forEach(i -> out.println("  " + i.name() + "  (" + i.layer().name().toLowerCase() + ")"));
        if (effective.skills().isEmpty()) {
            out.println("  (none)");
        }
        if (!effective.settings().isEmpty()) {
            out.println("Settings:");
            effective.settings().forEach((k, v) -> out.println("  " + k + ": " + v));
        }
        if (!effective.rejected().isEmpty()) {
            out.println("Rejected:");
            effective.rejected().forEach(r -> out.println("  " + r));
        }
        if (!effective.warnings().isEmpty()) {
            out.println("Warnings:");
            effective.warnings().forEach(w -> out.println("  " + w));
        }
    }

    /** Claude Code's OS sandbox as the policy compiles it, and how each path or domain value maps into it. */
    private static void printSandbox(SandboxPlan sandbox, PrintStream out) {
        out.println("OS sandbox: " + sandbox.mode().yaml() + (sandbox.active() ? "" : " (Bash runs unconfined; the hooks alone enforce)"));
        if (!sandbox.active()) {
            return;
        }
        if (sandbox.settings().get("filesystem") instanceof Map<?, ?> filesystem) {
            filesystem.forEach((k, v) -> out.println("  filesystem." + k + ": " + v));
        }
        if (sandbox.settings().get("network") instanceof Map<?, ?> network) {
            network.forEach((k, v) -> out.println("  network." + k + ": " + v));
        }
        out.println("  skip: " + sandbox.skip().why());
        for (SandboxPlan.Mapping m : sandbox.mappings()) {
            out.println("  " + m.policy() + ": " + m.value() + " -> " + (m.emitted().isEmpty() ? "(none)" : m.setting() + " " + m.emitted())
                    + (m.note().isEmpty() ? "" : "  [" + m.note() + "]"));
        }
    }

    private static Map<String, Object> jsonFile(Path file, PrintStream err) throws PolicyFiles.Reported {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        String[] problem = new String[1];
        Map<String, Object> parsed = Json.object(PolicyFiles.read(file, err), problem).orElse(null);
        if (parsed == null) {
            err.println(file + ": " + problem[0]);
            throw new PolicyFiles.Reported(1);
        }
        return parsed;
    }

}
