package io.ccpolicy.agent.policy;

import io.ccpolicy.agent.config.AgentConfig;
import io.ccpolicy.agent.config.AgentLog;
import io.ccpolicy.agent.json.Json;
import io.ccpolicy.engine.bundle.BundleSignature;
import io.ccpolicy.engine.bundle.PolicyBundle;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import io.ccpolicy.engine.parse.PolicyValidationException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the agent's policy in step with policy-service: a conditional long poll for the machine's signed bundle; a
 * bundle is activated only if its signature verifies with the pinned key, its revision is not older than the active
 * one and its documents validate; otherwise it is refused and reported, and the active one stays. The last good bundle
 * is persisted (atomically) so the agent enforces at once after a restart, with the server unreachable.
 */
public final class BundleSync implements AutoCloseable {

    private final AgentConfig agent;
    private final PolicyHolder holder;
    private final Path cacheFile;
    private final List<PublicKey> keys;
    private final Supplier<String> token;
    private final AgentLog log;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile PolicyBundle active;
    private volatile Instant lastSync;
    private volatile Instant confirmed = Instant.MIN;
    private volatile boolean strict;
    private volatile String lastResult = "not synced yet";
    private volatile String lastError = "";
    private volatile boolean closed;
    private volatile Consumer<PolicyDocument> onActivated = document -> { };
    private volatile SignedState floor;
    private volatile ForwardClock forward;
    private Thread thread;

    public BundleSync(AgentConfig agent, PolicyHolder holder, Path stateDir, PublicKey key, Supplier<String> token, AgentLog log, Clock clock) {
        this(agent, holder, stateDir, List.of(key), token, log, clock);
    }

    /** Trusting any of {@code keys} (more than one while the signing key is rotated). */
    public BundleSync(AgentConfig agent, PolicyHolder holder, Path stateDir, List<PublicKey> keys, Supplier<String> token, AgentLog log,
            Clock clock) {
        this.agent = agent;
        this.holder = holder;
        this.cacheFile = stateDir.resolve("bundle").resolve("current.json");
        this.keys = List.copyOf(keys);
        this.token = token;
        this.log = log;
        this.clock = clock;
    }

    /** The signed-state entry holding the highest bundle revision this agent has enforced. */
    static final String REVISION_FLOOR = "bundle-revision-floor";

    /**
     * Keeps the highest revision enforced in {@code state}, so an older cached bundle is refused after a restart, and
     * tells {@code clock} each verified bundle's creation time, so grant expiry never runs on a clock set back.
     */
    public void guardFreshness(SignedState state, ForwardClock clock) {
        this.floor = state;
        this.forward = clock;
    }

    /** Called with each bundle's effective policy once it is active (e.g. to rewrite Claude Code's managed settings). */
    public void onActivated(Consumer<PolicyDocument> listener) {
        this.onActivated = listener;
    }

    /** Activates the persisted bundle, if there is a valid one; says why not otherwise. */
    public Optional<String> activateCached() {
        if (!Files.isRegularFile(cacheFile)) {
            return Optional.of("no cached bundle at " + cacheFile);
        }
        try {
            String json = Files.readString(cacheFile);
            PolicyBundle bundle = open(json);
            long enforced = floor == null ? 0 : floor.read(REVISION_FLOOR).orElse(0);
            if (bundle.revision() < enforced) {
                return Optional.of("the cached bundle " + cacheFile + " has revision " + bundle.revision() + ", older than revision " + enforced
                        + " this agent already enforced (an older copy put back); it is refused");
            }
            if (forward != null) {
                forward.seen(bundle.createdAt());
            }
            // The file's time is when the server last confirmed this bundle.
            confirmed = Files.getLastModifiedTime(cacheFile).toInstant();
            strict = stale();
            onActivated.accept(holder.activate(bundle, cacheFile, strict).engine().document());
            active = bundle;
            if (floor != null) {
                floor.raise(REVISION_FLOOR, bundle.revision());
            }
            lastResult = "cached bundle revision " + bundle.revision() + " active";
            return Optional.empty();
        } catch (IOException | RuntimeException | PolicyValidationException e) {
            return Optional.of("the cached bundle " + cacheFile + " is refused: " + e.getMessage());
        }
    }

    /** One request; {@code waitSeconds} > 0 holds it on the server until something changes. True when it succeeded. */
    public boolean syncOnce(int waitSeconds) {
        try {
            StringBuilder url = new StringBuilder(agent.server().url().toString().replaceAll("/+$", ""))
                    .append("/api/v1/bundles/current?machine=").append(URLEncoder.encode(agent.machineId(), StandardCharsets.UTF_8));
            if (!agent.server().project().isBlank()) {
                url.append("&project=").append(URLEncoder.encode(agent.server().project(), StandardCharsets.UTF_8));
            }
            if (waitSeconds > 0) {
                url.append("&wait=").append(waitSeconds);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString()))
                    .timeout(Duration.ofSeconds(waitSeconds + 15L))
                    .header("Authorization", "Bearer " + token.get());
            PolicyBundle current = active;
            if (current != null) {
                request.header("If-None-Match", "\"" + current.contentSha256() + "\"");
            }
            HttpResponse<String> response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            lastSync = clock.instant();
            switch (response.statusCode()) {
                case 200 -> accept(response.body());
                case 304 -> {
                    lastResult = "unchanged (revision " + (current == null ? "-" : current.revision()) + ")";
                    confirm();
                }
                case 404 -> throw new IllegalStateException("nothing is published for this identity; the active policy stays");
                default -> throw new IllegalStateException("policy-service answered HTTP " + response.statusCode() + ": "
                        + response.body().substring(0, Math.min(300, response.body().length())));
            }
            lastError = "";
            return true;
        } catch (IOException e) {
            report("policy-service not reachable at " + agent.server().url() + " (" + e.getMessage() + "); the active policy stays");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | PolicyValidationException e) {
            report(e.getMessage());
        }
        return false;
    }

    private void accept(String json) throws IOException, PolicyValidationException {
        PolicyBundle bundle = open(json);
        PolicyBundle current = active;
        long enforced = Math.max(current == null ? 0 : current.revision(), floor == null ? 0 : floor.read(REVISION_FLOOR).orElse(0));
        if (bundle.revision() < enforced) {
            throw new IllegalStateException("bundle revision " + bundle.revision() + " is older than revision " + enforced
                    + " this agent already enforced (replayed or rolled back outside policy-service); refused");
        }
        PolicyDocument document = holder.activate(bundle, cacheFile, false).engine().document();
        active = bundle;
        strict = false;
        onActivated.accept(document);
        Files.createDirectories(cacheFile.getParent());
        Path temp = cacheFile.resolveSibling("current.json.tmp");
        Files.writeString(temp, json);
        Files.move(temp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (floor != null) {
            floor.raise(REVISION_FLOOR, bundle.revision());
        }
        if (forward != null) {
            forward.seen(bundle.createdAt());
        }
        confirmed = clock.instant();
        lastResult = "bundle revision " + bundle.revision() + " active";
        log.info("policy bundle revision " + bundle.revision() + " active (" + bundle.layers().size() + " layer(s), sha256 "
                + bundle.contentSha256().substring(0, 12) + ")");
    }

    /** The server said the active bundle is current: leave the strict profile if it was on, and remember when. */
    private void confirm() {
        if (forward != null) {
            forward.persist();
        }
        confirmed = clock.instant();
        try {
            Files.setLastModifiedTime(cacheFile, java.nio.file.attribute.FileTime.from(confirmed));
        } catch (IOException e) {
            report("cannot record the confirmation time on " + cacheFile + ": " + e.getMessage());
        }
        applyStaleness();
    }

    private boolean stale() {
        return Duration.between(confirmed, clock.instant()).compareTo(agent.server().maxStaleness()) > 0;
    }

    /**
     * Switches between the normal and the stricter profile as the bundle goes unconfirmed past the configured
     * staleness, or is confirmed again.
     */
    public void applyStaleness() {
        PolicyBundle current = active;
        boolean shouldBeStrict = current != null && stale();
        if (current == null || shouldBeStrict == strict) {
            return;
        }
        try {
            onActivated.accept(holder.activate(current, cacheFile, shouldBeStrict).engine().document());
            strict = shouldBeStrict;
            log.warn(shouldBeStrict ? "policy server has not confirmed bundle " + current.revision() + " for more than "
                    + agent.server().maxStaleness().toHours() + " h: the stricter profile is in force (warn and audit policies enforced)"
                    : "policy server confirmed bundle " + current.revision() + " again: the normal profile is back");
        } catch (PolicyValidationException e) {
            report("cannot apply the profile: " + e.getMessage());
        }
    }

    private PolicyBundle open(String json) {
        String[] problem = new String[1];
        Map<String, Object> document = Json.object(json, problem)
                .orElseThrow(() -> new IllegalArgumentException("bundle is not JSON: " + problem[0]));
        return BundleSignature.open(document, keys);
    }

    private void report(String error) {
        if (!error.equals(lastError)) {
            log.warn("policy sync: " + error);
        }
        lastError = error;
    }

    /** Long-polls until closed, backing off while the server is away. */
    public void start() {
        thread = new Thread(() -> {
            long backoff = 1_000;
            while (!closed) {
                applyStaleness();
                if (syncOnce(agent.server().waitSeconds())) {
                    backoff = 1_000;
                    continue;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(backoff * 2, 30_000);
            }
        }, "policy-sync");
        thread.setDaemon(true);
        thread.start();
    }

    public Map<String, Object> statusMap() {
        Map<String, Object> status = new LinkedHashMap<>();
        PolicyBundle current = active;
        status.put("server", String.valueOf(agent.server().url()));
        status.put("bundleRevision", current == null ? null : current.revision());
        status.put("bundleCreatedAt", current == null ? null : current.createdAt().toString());
        status.put("bundleAgeSeconds", current == null ? null : Duration.between(current.createdAt(), clock.instant()).toSeconds());
        status.put("lastSync", lastSync == null ? null : lastSync.toString());
        status.put("lastResult", lastResult);
        status.put("lastError", lastError);
        status.put("lastConfirmed", confirmed.equals(Instant.MIN) ? null : confirmed.toString());
        status.put("strictProfile", strict);
        List<Map<String, Object>> grants = new ArrayList<>();
        List<Map<String, Object>> pending = new ArrayList<>();
        if (current != null) {
            Instant now = clock.instant();
            for (PolicyException grant : current.grants()) {
                Map<String, Object> g = new LinkedHashMap<>();
                g.put("id", grant.id());
                g.put("policies", grant.exemptFrom());
                g.put("for", grant.describe());
                g.put("approvedBy", grant.approvedBy());
                g.put("expires", grant.expires().map(Instant::toString).orElse(""));
                g.put("expired", grant.isExpiredAt(now));
                grants.add(g);
            }
            for (PolicyBundle.PendingRequest request : current.pending()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", request.id());
                r.put("policy", request.policy());
                r.put("value", request.value() == null ? "" : request.value());
                r.put("requestedAt", request.requestedAt().toString());
                pending.add(r);
            }
        }
        status.put("grants", grants);
        status.put("pendingRequests", pending);
        return status;
    }

    public Optional<PolicyBundle> active() {
        return Optional.ofNullable(active);
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
