package io.ccpolicy.policy.rest.dto;

import io.ccpolicy.engine.audit.ImpactAnalysis;
import java.time.Instant;
import java.util.List;

/**
 * What publishing {@code draftRevision} instead of {@code againstRevision} (null: nothing in force) would have changed
 * on the recorded tool calls of the window. {@code truncated}: the window held more events than one analysis replays.
 * {@code withoutContent} and {@code withoutHome}: calls replayed without what a content or {@code ~} policy needs.
 */
public record ImpactReport(long draftRevision, Long againstRevision, Instant from, Instant to, String team, long replayed, long skipped,
        long withoutContent, long withoutHome, long changed, boolean truncated, List<Group> byPolicyAndTeam, List<Change> examples) {

    public record Group(String policy, String team, String before, String after, long events) {
    }

    public record Change(String eventId, Instant at, String user, List<String> teams, String tool, String before, String after,
            List<String> policies) {
    }

    public static ImpactReport of(long draft, Long against, Instant from, Instant to, String team, boolean truncated, ImpactAnalysis.Report r) {
        return new ImpactReport(draft, against, from, to, team, r.replayed(), r.skipped(), r.withoutContent(), r.withoutHome(), r.changed(), truncated,
                r.groups().stream().map(g -> new Group(g.policy(), g.team(), g.before().yaml(), g.after().yaml(), g.events())).toList(),
                r.examples().stream().map(c -> new Change(c.eventId(), c.at(), c.user(), c.teams(), c.tool(), c.before().yaml(), c.after().yaml(),
                        c.policies())).toList());
    }
}
