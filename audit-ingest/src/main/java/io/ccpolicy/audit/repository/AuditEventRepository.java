package io.ccpolicy.audit.repository;

import io.ccpolicy.audit.entity.AuditEventEntity;
import io.ccpolicy.audit.domain.AuditFilter;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.Query;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@ApplicationScoped
public class AuditEventRepository implements PanacheRepositoryBase<AuditEventEntity, String> {

    private static final Pattern PARTITION_NAME = Pattern.compile("audit_event_(\\d{4})_(\\d{2})");

    /**
     * Events matching the filter, in a stable order (occurred_at, event_id; reversed with {@code newestFirst}), after the
     * given position, at most
     * {@code limit}. Filters on the event's content use its JSON document.
     */
    @SuppressWarnings("unchecked")
    public List<AuditEventEntity> search(AuditFilter filter, Instant afterTime, String afterId, int limit, boolean newestFirst) {
        StringBuilder sql = new StringBuilder("select * from audit_event where true");
        List<Object> params = new ArrayList<>();
        condition(sql, params, filter.from(), " and occurred_at >= ?");
        condition(sql, params, filter.to(), " and occurred_at < ?");
        condition(sql, params, filter.user(), " and payload->'user'->>'email' = ?");
        condition(sql, params, filter.team(), " and jsonb_exists(payload->'user'->'teams', ?)");
        condition(sql, params, filter.machine(), " and machine_id = ?");
        condition(sql, params, filter.session(), " and payload->'session'->>'id' = ?");
        // events where the policy fired; policyCheck.policies lists every policy checked, fired or not
        condition(sql, params, filter.policy(), " and exists (select 1 from jsonb_array_elements(coalesce(payload->'policyCheck'->'violations',"
                + " '[]'::jsonb)) v where v->>'policy' = ?)");
        condition(sql, params, filter.decision(), " and payload->'decision'->>'verdict' = ?");
        condition(sql, params, filter.tool(), " and payload->'action'->>'tool' = ?");
        condition(sql, params, filter.type(), " and event_type = ?");
        condition(sql, params, filter.event(), " and payload->>'eventType' = ?");
        if (afterTime != null) {
            sql.append(newestFirst ? " and (occurred_at, event_id) < (?, ?)" : " and (occurred_at, event_id) > (?, ?)");
            params.add(afterTime);
            params.add(afterId);
        }
        sql.append(newestFirst ? " order by occurred_at desc, event_id desc limit ?" : " order by occurred_at, event_id limit ?");
        params.add(limit);
        Query query = getEntityManager().createNativeQuery(sql.toString(), AuditEventEntity.class);
        for (int i = 0; i < params.size(); i++) {
            query.setParameter(i + 1, params.get(i));
        }
        return query.getResultList();
    }

    /** Counts of events in [from, to) grouped by policy, decision, user or hour. */
    @SuppressWarnings("unchecked")
    public List<Object[]> counts(String by, Instant from, Instant to) {
        String key = switch (by) {
            case "policy" -> "v->>'policy'";
            case "decision" -> "payload->'decision'->>'verdict'";
            case "user" -> "payload->'user'->>'email'";
            case "hour" -> "to_char(date_trunc('hour', occurred_at at time zone 'UTC'), 'YYYY-MM-DD\"T\"HH24:00:00\"Z\"')";
            default -> throw new IllegalArgumentException(by);
        };
        String source = by.equals("policy")
                ? "audit_event, jsonb_array_elements(coalesce(payload->'policyCheck'->'violations', '[]'::jsonb)) as v"
                : "audit_event";
        Query query = getEntityManager().createNativeQuery("select " + key + " as k, count(*) from " + source
                + " where occurred_at >= ?1 and occurred_at < ?2 and " + key + " is not null group by k order by count(*) desc, k limit 1000");
        query.setParameter(1, from);
        query.setParameter(2, to);
        return query.getResultList();
    }

    private static void condition(StringBuilder sql, List<Object> params, Object value, String clause) {
        if (value != null) {
            sql.append(clause);
            params.add(value);
        }
    }

    /**
     * Retention by ingest time: drops the monthly partitions that end at or before {@code cutoff} (cheap, no row-by-row
     * delete), then deletes the older rows of the month the cutoff falls in, and the ids of every deleted event. Returns
     * how many events went.
     */
    public long deleteBefore(Instant cutoff) {
        long deleted = 0;
        @SuppressWarnings("unchecked")
        List<String> partitions = getEntityManager().createNativeQuery("""
                select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent = 'audit_event'::regclass order by c.relname""").getResultList();
        YearMonth cutoffMonth = YearMonth.from(cutoff.atOffset(ZoneOffset.UTC));
        for (String partition : partitions) {
            Matcher month = PARTITION_NAME.matcher(partition);
            if (month.matches() && YearMonth.of(Integer.parseInt(month.group(1)), Integer.parseInt(month.group(2))).isBefore(cutoffMonth)) {
                deleted += ((Number) getEntityManager().createNativeQuery("select count(*) from " + partition).getSingleResult()).longValue();
                getEntityManager().createNativeQuery("drop table " + partition).executeUpdate();
            }
        }
        deleted += getEntityManager().createNativeQuery("delete from audit_event where ingested_at < ?1").setParameter(1, cutoff).executeUpdate();
        getEntityManager().createNativeQuery("delete from audit_event_id where ingested_at < ?1").setParameter(1, cutoff).executeUpdate();
        return deleted;
    }

    /**
     * Removes every event of a demo machine ({@code demo-*}), with its chain state and findings, keeping each removed
     * event's id in {@code cleared_demo_event} (who, when) so the archive sweep knows the rows went on purpose.
     */
    public long clearDemo(Instant at, String actor) {
        getEntityManager().createNativeQuery("""
                insert into cleared_demo_event (event_id, machine_id, cleared_at, cleared_by)
                select event_id, machine_id, ?1, ?2 from audit_event where machine_id like 'demo-%' on conflict do nothing""")
                .setParameter(1, at).setParameter(2, actor).executeUpdate();
        long deleted = getEntityManager().createNativeQuery("delete from audit_event where machine_id like 'demo-%'").executeUpdate();
        getEntityManager().createNativeQuery("delete from machine_chain where machine_id like 'demo-%'").executeUpdate();
        getEntityManager().createNativeQuery("delete from integrity_finding where machine_id like 'demo-%'").executeUpdate();
        return deleted;
    }
}
