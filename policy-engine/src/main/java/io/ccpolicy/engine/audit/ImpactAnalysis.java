package io.ccpolicy.engine.audit;

import io.ccpolicy.engine.Decision;
import io.ccpolicy.engine.DecisionRequest;
import io.ccpolicy.engine.HookEvent;
import io.ccpolicy.engine.PolicyEngine;
import io.ccpolicy.engine.PolicyMatch;
import io.ccpolicy.engine.SessionState;
import io.ccpolicy.engine.Verdict;
import io.ccpolicy.engine.model.Identity;
import io.ccpolicy.engine.model.PolicyDocument;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A dry run of a draft policy on recorded traffic: each recorded tool call (an audit event of PreToolUse or
 * PermissionRequest) is decided again under the policy in force and under the draft, at the time it happened, for the
 * user, teams and project it was recorded with; calls whose verdict differs are counted, grouped by the policy that
 * decides the difference and by team. Recorded events keep hashes instead of file contents and masked secrets, so a
 * policy that reads contents cannot be judged on them: such events are counted as {@code withoutContent}.
 */
public final class ImpactAnalysis {

    private static final Set<String> REPLAYABLE = Set.of("PreToolUse", "PermissionRequest");

    /** One call whose verdict would change. */
    public record Change(String eventId, Instant at, String user, List<String> teams, String tool, Verdict before, Verdict after,
            List<String> policies) {
    }

    /** Calls of one team whose verdict one policy changes from {@code before} to {@code after}. */
    public record Group(String policy, String team, Verdict before, Verdict after, long events) {
    }

    public record Report(long replayed, long skipped, long withoutContent, long changed, List<Group> groups, List<Change> examples) {
    }

    private final EventClock clock = new EventClock();
    private final PolicyEngine current;
    private final PolicyEngine draft;
    private final int maxExamples;
    private final Map<List<Object>, Long> groups = new TreeMap<>(Comparator.comparing(Object::toString));
    private final List<Change> examples = new ArrayList<>();
    private long replayed;
    private long skipped;
    private long withoutContent;
    private long changed;

    /** {@code current} null: nothing is in force, so every call was allowed. */
    public ImpactAnalysis(PolicyDocument current, PolicyDocument draft, int maxExamples) {
        this.current = current == null ? null : PolicyEngine.compile(current, "current", clock, () -> "replay");
        this.draft = PolicyEngine.compile(draft, "draft", clock, () -> "replay");
        this.maxExamples = maxExamples;
    }

    /** Replays one recorded audit event (as stored: the JSON object); events that are not tool calls are skipped. */
    public void add(Map<?, ?> stored) {
        AuditEvent event;
        try {
            event = AuditEvent.fromMap(stored);
        } catch (IllegalArgumentException notAnEvent) {
            skipped++;
            return;
        }
        if (event.eventType() == null || !REPLAYABLE.contains(event.eventType()) || event.action().tool() == null) {
            skipped++;
            return;
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
        DecisionRequest request = new DecisionRequest(HookEvent.of(payload), new Identity(event.email(), teams,
                text(event.user() == null ? null : event.user().department())), text(session.project()), SessionState.total(tokens), null, null);
        replayed++;
        if (params.keySet().stream().anyMatch(k -> String.valueOf(k).endsWith("Hash"))) {
            withoutContent++;
        }
        Decision after = draft.evaluate(request);
        Decision before = current == null ? null : current.evaluate(request);
        Verdict was = before == null ? Verdict.ALLOW : before.verdict();
        if (was == after.verdict()) {
            return;
        }
        changed++;
        List<String> deciding = deciding(before, after);
        for (String policy : deciding) {
            for (String team : teams.isEmpty() ? List.of("(no team)") : teams) {
                groups.merge(List.of(policy, team, was, after.verdict()), 1L, Long::sum);
            }
        }
        if (examples.size() < maxExamples) {
            examples.add(new Change(event.eventId(), clock.at, event.email(), teams, tool, was, after.verdict(), deciding));
        }
    }

    public Report report() {
        List<Group> list = new ArrayList<>();
        groups.forEach((key, count) -> list.add(new Group((String) key.get(0), (String) key.get(1), (Verdict) key.get(2), (Verdict) key.get(3), count)));
        list.sort(Comparator.comparingLong(Group::events).reversed().thenComparing(Group::policy).thenComparing(Group::team));
        return new Report(replayed, skipped, withoutContent, changed, list, List.copyOf(examples));
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
