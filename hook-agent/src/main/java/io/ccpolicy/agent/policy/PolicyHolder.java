package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.bundle.PolicyBundle;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.parse.PolicyParser;
import io.ccpolicy.engine.parse.PolicyProblem;
import io.ccpolicy.engine.parse.PolicyValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The active policy, swapped atomically. The file is re-read when it changes; a broken edit is refused with its
 * problems logged, and the previous policy stays in force. A directory holds {@code enterprise-policy.yaml} or exactly
 * one {@code *.yaml} file.
 */
public final class PolicyHolder {

    /**
     * The policy in force: its engine, where it came from and when it was loaded. {@code strict}: a bundle the server has
     * not confirmed for too long, enforced with the stricter profile. {@code signedIdentity}: whom a bundle was issued
     * for (the signed-in developer, or the machine's client before sign-in), which decisions and audit use instead of
     * agent.yaml's claims; null for local files.
     */
    public record Active(PolicyEngine engine, Path file, String revision, boolean strict, FileTime modified, Identity signedIdentity,
            Function<String, PolicyEngine> projectEngines) {

        /** A local policy file: one engine for every project. */
        Active(PolicyEngine engine, Path file, String revision, FileTime modified) {
            this(engine, file, revision, false, modified, null, project -> engine);
        }

        /** The bundle's identity, else (local policy files) the configured one. */
        public Identity identityOr(Identity configured) {
            return signedIdentity == null ? configured : signedIdentity;
        }

        /** The engine for a session in {@code project}: with the layers of the project publications that target it. */
        public PolicyEngine engineFor(String project) {
            return projectEngines.apply(project);
        }

        Active withModified(Path otherFile, FileTime otherModified) {
            return new Active(engine, otherFile, revision, strict, otherModified, signedIdentity, projectEngines);
        }
    }

    private final Path location;
    private final Clock clock;
    private final AgentLog log;
    private final Consumer<List<PolicyProblem>> onRejected;
    private final AtomicReference<Active> active = new AtomicReference<>();

    public PolicyHolder(Path location, Clock clock, AgentLog log, Consumer<List<PolicyProblem>> onRejected) {
        this.location = location; // null: policies come from signed bundles (BundleSync), not from a file
        this.clock = clock;
        this.log = log;
        this.onRejected = onRejected;
    }

    /** Loads the policy for the first time; the daemon does not start without a valid one. */
    public void loadInitial() throws IOException, PolicyValidationException {
        Path file = resolve();
        FileTime modified = Files.getLastModifiedTime(file);
        active.set(compile(file, Files.readString(file), modified));
    }

    public Active active() {
        return active.get();
    }

    /**
     * Makes a verified bundle's effective policy active (atomically); {@code persisted} is where it is kept; {@code strict}
     * applies the stricter profile of a bundle the server has not confirmed for too long.
     */
    public Active activate(PolicyBundle bundle, Path persisted, boolean strict) throws PolicyValidationException {
        PolicyDocument document = bundle.effective(strict);
        String revision = "bundle:" + bundle.revision();
        // the revision each decision records: an auditor reads there that the stricter profile decided it
        String decidedUnder = strict ? revision + " (strict profile)" : revision;
        PolicyEngine engine = PolicyEngine.compile(document, decidedUnder, clock, () -> UUID.randomUUID().toString());
        // One engine per set of project layers that apply, compiled when a session in such a project first asks.
        Map<List<String>, PolicyEngine> byLayers = new ConcurrentHashMap<>();
        // Most bundles have no project layer: then every session uses the one engine, with no per-call lookup.
        boolean projectLayers = bundle.layers().stream().anyMatch(l -> l.scope().startsWith(PolicyBundle.PROJECT_LAYER));
        Function<String, PolicyEngine> projectEngines = !projectLayers ? project -> engine : project -> {
            List<String> layers = bundle.projectLayersFor(project);
            return layers.isEmpty() ? engine : byLayers.computeIfAbsent(layers, l -> {
                try {
                    return PolicyEngine.compile(bundle.effective(strict, project), decidedUnder, clock, () -> UUID.randomUUID().toString());
                } catch (PolicyValidationException e) {
                    throw new IllegalStateException("validated when the bundle was activated", e);
                }
            });
        };
        Active next = new Active(engine, persisted, revision, strict, FileTime.from(bundle.createdAt()), new Identity(bundle.email(), bundle.teams(), "", bundle.subject()),
                projectEngines);
        active.set(next);
        return next;
    }

    /** Checks for a changed file; returns true when a new version became active. */
    public boolean reloadIfChanged() {
        if (location == null) {
            return false;
        }
        Active current = active.get();
        try {
            Path file = resolve();
            FileTime modified = Files.getLastModifiedTime(file);
            if (file.equals(current.file()) && modified.equals(current.modified())) {
                return false;
            }
            String text = Files.readString(file);
            if (PolicyParser.sha256(text).equals(current.engine().document().sha256()) && file.equals(current.file())) {
                active.set(current.withModified(file, modified));
                return false;
            }
            try {
                Active next = compile(file, text, modified);
                active.set(next);
                log.info("policy reloaded from " + file + ": " + next.engine().document().policies().size() + " policies, sha256 "
                        + next.engine().document().sha256().substring(0, 12));
                return true;
            } catch (PolicyValidationException e) {
                log.error("policy edit refused, the previous version stays active (" + e.problems().size() + " problem(s)):");
                e.problems().forEach(p -> log.error("  " + p));
                // remember the time so the same broken edit is reported once
                active.set(current.withModified(current.file(), modified));
                onRejected.accept(e.problems());
                return false;
            }
        } catch (IOException e) {
            log.warn("cannot read the policy at " + location + " (" + e.getMessage() + "); the active version stays");
            return false;
        }
    }

    private Active compile(Path file, String text, FileTime modified) throws PolicyValidationException {
        PolicyDocument document = PolicyParser.parse(file.toString(), text);
        String revision = "file:" + document.sha256().substring(0, 12);
        return new Active(PolicyEngine.compile(document, revision, clock, () -> UUID.randomUUID().toString()), file, revision, modified);
    }

    private Path resolve() throws IOException {
        if (!Files.isDirectory(location)) {
            return location;
        }
        Path named = location.resolve("enterprise-policy.yaml");
        if (Files.isRegularFile(named)) {
            return named;
        }
        try (Stream<Path> files = Files.list(location)) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
            if (yaml.size() != 1) {
                throw new IOException(location + " must hold enterprise-policy.yaml or exactly one .yaml file (found " + yaml.size() + ")");
            }
            return yaml.get(0);
        }
    }
}
