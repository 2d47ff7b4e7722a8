package io.ccpolicy.engine.audit;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.bundle.PolicyBundle;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import io.ccpolicy.engine.model.PolicyException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A dry run of a draft policy on recorded traffic: each recorded tool call (an audit event of PreToolUse or
 * PermissionRequest) is decided again under the policy in force and under the draft, as the agent decided it: at the
 * time it happened, for the user, teams and project it was recorded with, with {@code ~} meaning the home directory it
 * was recorded with, under the team and project layers that apply to it, and with the grants that were in force then
 * ({@link Surroundings}). Calls whose verdict differs are counted, grouped by the policy that decides the difference and
 * by team. Recorded events keep hashes instead of file contents and masked secrets, so a policy that reads contents
 * cannot be judged on them: such events are counted as {@code withoutContent}; events recorded without a home directory
 * (agents before it was recorded) as {@code withoutHome}, since a {@code ~} policy cannot be judged on them either.
 */
public final class ImpactAnalysis {

    private static final Set<String> REPLAYABLE = Set.of("PreToolUse", "PermissionRequest");

    /** What applied to a recorded call besides the organisation's document, as the host knows it. */
    public interface Surroundings {
        /**
         * The team and project layers that applied to this developer in this project at {@code at}, in the bundle's order
         * (both sides get them).
         */
        List<PolicyDocument> layers(Identity who, String project, Instant at);

        /** The grants of the exception workflow in force at {@code at} for this developer and project. */
        List<PolicyException> grants(Identity who, String project, Instant at);

        /** Only the organisation's documents: no layers, no grants. */
        Surroundings NONE = new Surroundings() {
            @Override
            public List<PolicyDocument> layers(Identity who, String project, Instant at) {
                return List.of();
            }

            @Override
            public List<PolicyException> grants(Identity who, String project, Instant at) {
                return List.of();
            }
        };
    }

    /** One call whose verdict would change. */
    public record Change(String eventId, Instant at, String user, List<String> teams, String tool, Verdict before, Verdict after,
            List<String> policies) {
    }

    /** Calls of one team whose verdict one policy changes from {@code before} to {@code after}. */
    public record Group(String policy, String team, Verdict before, Verdict after, long events) {
    }

    public record Report(long replayed, long skipped, long withoutContent, long withoutHome, long changed, List<Group> groups,
            List<Change> examples) {
    }

    private final EventClock clock = new EventClock();
    private final PolicyDocument current;
    private final PolicyDocument draft;
    private final Surroundings surroundings;
    /** The engines of both sides for each combination of layers and grants met so far. */
    private final Map<List<Object>, PolicyEngine[]> engines = new java.util.HashMap<>();
    private final int maxExamples;
    private final Map<List<Object>, Long> groups = new TreeMap<>(Comparator.comparing(Object::toString));
    private final List<Change> examples = new ArrayList<>();
    private long replayed;
    private long skipped;
    private long withoutContent;
    private long withoutHome;
    private long changed;

    /** {@code current} null: nothing is in force, so every call was allowed. */
    public ImpactAnalysis(PolicyDocument current, PolicyDocument draft, int maxExamples) {
        this(current, draft, Surroundings.NONE, maxExamples);
    }

    public ImpactAnalysis(PolicyDocument current, PolicyDocument draft, Surroundings surroundings, int maxExamples) {
        this.current = current;
        this.draft = draft;
        this.surroundings = surroundings;
        this.maxExamples = maxExamples;
    }

    /**
     * Replays one recorded audit event (as stored: the JSON object); events that are not tool calls are skipped. Returns
     * the change when the verdict differs.
     */
    public Optional<Change> add(Map<?, ?> stored) {
        AuditEvent event;
        try {
            event = AuditEvent.fromMap(stored);
        } catch (IllegalArgumentException notAnEvent) {
            skipped++;
            return Optional.empty();
        }
        return add(event);
    }

    /** Whether this event is a recorded decision on a tool call, which a replay can decide again. */
    public static boolean replayable(AuditEvent event) {
        return event.eventType() != null && REPLAYABLE.contains(event.eventType()) && event.action().tool() != null;
    }

    public Optional<Change> add(AuditEvent event) {
        if (!replayable(event)) {
            skipped++;
            return Optional.empty();
        }
        clock.at = event.timestamp();
        String tool = event.action().tool();
        Map<String, Object> params = event.action().params() == null ? Map.of() : event.action().params();
        List<String> teams = event.user() == null || event.user().teams() == null ? List.of() : event.user().teams();
        AuditEvent.Session session = event.session() == null ? new AuditEvent.Session("", "", "") : event.session();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("hook_event_name", event.eventType());
        payload.put("tool_name", tool);
        payload.put("tool_input", params);
        payload.put("session_id", text(session.id()));
        payload.put("cwd", text(session.projectPath()));
        long tokens = event.context() != null && event.context().get("tokenCount") instanceof Number n ? n.longValue() : 0;
        Identity who = new Identity(event.email(), teams, text(event.user() == null ? null : event.user().department()));
        String project = text(session.project());
        DecisionRequest request = new DecisionRequest(HookEvent.of(payload), who, project, SessionState.total(tokens), null, session.home());
        replayed++;
        if (params.keySet().stream().anyMatch(k -> String.valueOf(k).endsWith("Hash"))) {
            withoutContent++;
        }
        if (session.home() == null || session.home().isEmpty()) {
            withoutHome++;
        }
        PolicyEngine[] sides = engines(who, project, clock.at);
        Decision after = sides[1].evaluate(request);
        Decision before = sides[0] == null ? null : sides[0].evaluate(request);
        Verdict was = before == null ? Verdict.ALLOW : before.verdict();
        if (was == after.verdict()) {
            return Optional.empty();
        }
        changed++;
        List<String> deciding = deciding(before, after);
        for (String policy : deciding) {
            for (String team : teams.isEmpty() ? List.of("(no team)") : teams) {
                groups.merge(List.of(policy, team, was, after.verdict()), 1L, Long::sum);
            }
        }
        Change change = new Change(event.eventId(), clock.at, event.email(), teams, tool, was, after.verdict(), deciding);
        if (examples.size() < maxExamples) {
            examples.add(change);
        }
        return Optional.of(change);
    }

    /** The current and draft engines (the current one null when nothing is in force) with this call's layers and grants. */
    private PolicyEngine[] engines(Identity who, String project, Instant at) {
        List<PolicyDocument> layers = surroundings.layers(who, project, at);
        List<PolicyException> grants = surroundings.grants(who, project, at);
        List<Object> key = List.of(layers.stream().map(PolicyDocument::sha256).toList(), grants);
        PolicyEngine[] sides = engines.get(key);
        if (sides == null) {
            sides = new PolicyEngine[] {current == null ? null : compile(current, layers, grants, "current"), compile(draft, layers, grants, "draft")};
            if (engines.size() < 10_000) {
                engines.put(key, sides);
            }
        }
        return sides;
    }

    private PolicyEngine compile(PolicyDocument organization, List<PolicyDocument> layers, List<PolicyException> grants, String name) {
        List<PolicyDocument> documents = new ArrayList<>();
        documents.add(organization);
        documents.addAll(layers);
        PolicyDocument merged = layers.isEmpty() && grants.isEmpty() ? organization
                : PolicyBundle.merge(documents, grants, false, name, organization.sha256());
        return PolicyEngine.compile(merged, name, clock, () -> "replay");
    }

    public Report report() {
        List<Group> list = new ArrayList<>();
        groups.forEach((key, count) -> list.add(new Group((String) key.get(0), (String) key.get(1), (Verdict) key.get(2), (Verdict) key.get(3), count)));
        list.sort(Comparator.comparingLong(Group::events).reversed().thenComparing(Group::policy).thenComparing(Group::team));
        return new Report(replayed, skipped, withoutContent, withoutHome, changed, list, List.copyOf(examples));
    }

    /** The policies whose contribution differs between the two decisions (a policy absent from one contributed allow). */
    private static List<String> deciding(Decision before, Decision after) {
        Map<String, Verdict> was = effects(before);
        Map<String, Verdict> now = effects(after);
        Set<String> names = new TreeSet<>(was.keySet());
        names.addAll(now.keySet());
        List<String> deciding = new ArrayList<>();
        for (String name : names) {
            if (was.getOrDefault(name, Verdict.ALLOW) != now.getOrDefault(name, Verdict.ALLOW)) {
                deciding.add(name);
            }
        }
        return deciding;
    }

    private static Map<String, Verdict> effects(Decision decision) {
        Map<String, Verdict> effects = new LinkedHashMap<>();
        if (decision != null) {
            for (PolicyMatch match : decision.matches()) {
                effects.merge(match.policy(), match.effect(), Verdict::strongest);
            }
        }
        return effects;
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    /** Decisions are taken at the recorded time, so exceptions expire as they would have. */
    private static final class EventClock extends Clock {
        private Instant at = Instant.EPOCH;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return at;
        }
    }
}
