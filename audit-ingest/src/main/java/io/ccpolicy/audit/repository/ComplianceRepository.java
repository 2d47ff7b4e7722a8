package io.ccpolicy.audit.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import java.time.Instant;
import java.util.List;

/**
 * Aggregates over one period of stored events for compliance reports. Each query is one pass over the period's
 * partitions; the ones that look inside arrays (violations, exceptions) only unnest the events that have any.
 */
@ApplicationScoped
public class ComplianceRepository {

    private final EntityManager em;

    public ComplianceRepository(EntityManager em) {
        this.em = em;
    }

    /**
     * events, tool calls (one per tool_use_id: a call's PreToolUse and PostToolUse are one call), file modifications, MCP
     * calls, prompts, admin changes, without identity, users, machines,
     * sessions, allowed, warned, asked, denied, expired-exception hits, unverified (stored without proof of origin).
     */
    public Object[] totals(Instant from, Instant to) {
        return (Object[]) query("""
                select count(*),
                       count(distinct coalesce(payload->>'tool_use_id', event_id)) filter (where event_type in ('tool_execution', 'file_modification', 'mcp_call')),
                       count(distinct coalesce(payload->>'tool_use_id', event_id)) filter (where event_type = 'file_modification'),
                       count(distinct coalesce(payload->>'tool_use_id', event_id)) filter (where event_type = 'mcp_call'),
                       count(*) filter (where event_type = 'prompt_submit'),
                       count(*) filter (where event_type = 'policy_change'),
                       count(*) filter (where coalesce(payload->'user'->>'email', '') = ''),
                       count(distinct nullif(payload->'user'->>'email', '')) filter (where event_type <> 'policy_change'),
                       count(distinct machine_id) filter (where event_type <> 'policy_change'),
                       count(distinct payload->'session'->>'id'),
                       count(*) filter (where payload->'decision'->>'verdict' = 'allow'),
                       count(*) filter (where payload->'decision'->>'verdict' = 'warn'),
                       count(*) filter (where payload->'decision'->>'verdict' = 'ask'),
                       count(*) filter (where payload->'decision'->>'verdict' = 'deny'),
                       count(*) filter (where jsonb_array_length(coalesce(payload->'decision'->'expiredExceptions', '[]'::jsonb)) > 0),
                       count(*) filter (where unverified is not null),
                       count(*) filter (where machine_id like 'demo-%')
                from audit_event where occurred_at >= ?1 and occurred_at < ?2
                """, from, to).getSingleResult();
    }

    /** policy, user, effect, count: every violation in the period whose effect was not allow. */
    @SuppressWarnings("unchecked")
    public List<Object[]> enforcedViolations(Instant from, Instant to) {
        return query("""
                select v->>'policy', coalesce(payload->'user'->>'email', ''), v->>'effect', count(*)
                from audit_event, jsonb_array_elements(payload->'policyCheck'->'violations') v
                where occurred_at >= ?1 and occurred_at < ?2 and jsonb_array_length(payload->'policyCheck'->'violations') > 0
                  and v->>'effect' <> 'allow'
                group by 1, 2, 3
                """, from, to).getResultList();
    }

    /** tool, count, for tool calls: one per call, however many of its events (PreToolUse, PostToolUse) were recorded. */
    @SuppressWarnings("unchecked")
    public List<Object[]> toolCalls(Instant from, Instant to) {
        return query("""
                select payload->'action'->>'tool', count(distinct coalesce(payload->>'tool_use_id', event_id)) from audit_event
                where occurred_at >= ?1 and occurred_at < ?2 and event_type in ('tool_execution', 'file_modification', 'mcp_call')
                group by 1 order by 2 desc, 1 limit 200
                """, from, to).getResultList();
    }

    /** exception id, count, first use, last use, users: every exception applied to a decision in the period. */
    @SuppressWarnings("unchecked")
    public List<Object[]> exceptionsUsed(Instant from, Instant to) {
        return query("""
                select x, count(*), min(occurred_at), max(occurred_at), string_agg(distinct payload->'user'->>'email', ',')
                from audit_event, jsonb_array_elements_text(payload->'decision'->'exceptions') x
                where occurred_at >= ?1 and occurred_at < ?2 and jsonb_array_length(coalesce(payload->'decision'->'exceptions', '[]'::jsonb)) > 0
                group by x order by x
                """, from, to).getResultList();
    }

    /** time, actor, change kind, detail (JSON text): administrative changes recorded in the period, oldest first. */
    @SuppressWarnings("unchecked")
    public List<Object[]> adminChanges(Instant from, Instant to) {
        return query("""
                select occurred_at, payload->'user'->>'email', payload->'action'->>'tool', payload->'change'::text
                from audit_event where occurred_at >= ?1 and occurred_at < ?2 and event_type = 'policy_change'
                order by occurred_at, event_id limit 5000
                """, from, to).getResultList();
    }

    /**
     * machine, event, sequence, problem, detected, kind: what ingest found in the period (chain breaks, refused events,
     * clocks far off); unverified events are not findings, they are counted in {@link #totals}. Kind 'unverified' is
     * left out: an ingest older than V12 may still write such rows while a rolling upgrade replaces it.
     */
    @SuppressWarnings("unchecked")
    public List<Object[]> integrityFindings(Instant from, Instant to) {
        return query("""
                select machine_id, event_id, seq, problem, detected_at, kind from integrity_finding
                where detected_at >= ?1 and detected_at < ?2 and kind <> 'unverified' order by detected_at, id limit 1000
                """, from, to).getResultList();
    }

    /** sealed hours, hours known: the archive's hours in the period. */
    public Object[] archiveHours(Instant from, Instant to) {
        return (Object[]) query("""
                select count(*) filter (where sealed), count(*) from archive_hour where hour >= ?1 and hour < ?2
                """, from, to).getSingleResult();
    }

    /**
     * user, bucket, events, violations (a policy matched and was not exempted: enforced, warned or shadowed), denied,
     * file modifications, MCP calls: activity per user in equal buckets of
     * {@code bucketSeconds} from {@code from} (bucket 0) to {@code to}; administrative changes are not activity.
     */
    @SuppressWarnings("unchecked")
    public List<Object[]> activity(Instant from, Instant to, long bucketSeconds) {
        return query("""
                select coalesce(payload->'user'->>'email', ''), floor(extract(epoch from (occurred_at - ?1)) / ?3)::int, count(*),
                       count(*) filter (where jsonb_path_exists(payload,
                           '$.policyCheck.violations[*] ? (@.effect != "allow" || @.wouldBe != "allow")')),
                       count(*) filter (where payload->'decision'->>'verdict' = 'deny'),
                       count(*) filter (where event_type = 'file_modification'),
                       count(*) filter (where event_type = 'mcp_call')
                from audit_event where occurred_at >= ?1 and occurred_at < ?2 and event_type <> 'policy_change'
                group by 1, 2
                """, from, to).setParameter(3, bucketSeconds).getResultList();
    }

    private Query query(String sql, Instant from, Instant to) {
        return em.createNativeQuery(sql).setParameter(1, from).setParameter(2, to);
    }
}
