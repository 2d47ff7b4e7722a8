package io.ccpolicy.testinfra;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * Loads synthetic audit events straight into audit-ingest's database (its schema must exist), for benchmarks that need
 * a large store: {@code events} spread evenly over {@code days} from {@code start}, {@code users} users, 50 machines,
 * one call in ten denied by a policy, one in a thousand exempted. Prints its progress.
 */
public final class AuditEventLoader {

    private AuditEventLoader() {
    }

    public static void load(Connection c, Instant start, int events, int users, int days) throws SQLException {
        System.out.printf("loading %,d events (%d days, %d users) into PostgreSQL%n", events, days, users);
        long began = System.nanoTime();
        try (Statement s = c.createStatement()) {
            s.execute("select audit_event_ensure_partition(m::date) from generate_series(date_trunc('month', timestamptz '" + start
                    + "'), now(), interval '1 month') m");
            int chunk = 100_000;
            for (int from = 0; from < events; from += chunk) {
                s.execute("""
                        insert into audit_event (event_id, machine_id, event_type, occurred_at, payload, ingested_at)
                        select 'evt_' || g, 'machine-' || (g %% 50), 'tool_execution', t, jsonb_build_object(
                            'version', '1.0', 'eventId', 'evt_' || g, 'timestamp', t, 'eventType', 'PreToolUse',
                            'user', jsonb_build_object('email', 'user' || (g %% %d) || '@acme.com', 'teams', jsonb_build_array('team' || (g %% 20))),
                            'machine', jsonb_build_object('id', 'machine-' || (g %% 50), 'hostname', 'laptop-' || (g %% 50)),
                            'session', jsonb_build_object('id', 'sess-' || (g / 100), 'projectPath', '/home/dev/project-' || (g %% 30)),
                            'action', jsonb_build_object('type', 'tool_execution', 'tool', (array['Bash','Write','Edit','Read'])[1 + g %% 4],
                                'params', jsonb_build_object('command', 'npm test -- --shard ' || g), 'result', case when g %% 10 = 0 then 'denied' else 'allowed' end),
                            'policyCheck', jsonb_build_object('policies', case when g %% 10 = 0 then jsonb_build_array('no-force-push') else '[]'::jsonb end,
                                'result', case when g %% 10 = 0 then 'violated' else 'passed' end,
                                'violations', case when g %% 10 = 0 then jsonb_build_array(jsonb_build_object('policy', 'no-force-push',
                                    'severity', 'error', 'mode', 'enforce', 'effect', 'deny', 'wouldBe', 'deny')) else '[]'::jsonb end),
                            'decision', jsonb_build_object('id', 'dec_' || g, 'verdict', case when g %% 10 = 0 then 'deny' else 'allow' end,
                                'exceptions', case when g %% 1000 = 1 then jsonb_build_array('exc-' || (g %% 7)) else '[]'::jsonb end,
                                'expiredExceptions', '[]'::jsonb),
                            'seq', g, 'prev_hash', md5(g::text), 'hash', md5((g + 1)::text)), t
                        from (select g, timestamptz '%s' + (g::float8 / %d) * interval '%d days' as t
                              from generate_series(%d, %d) g) rows""".formatted(users, start, events, days, from + 1, Math.min(events, from + chunk)));
                System.out.printf("\r  %,d of %,d loaded", Math.min(events, from + chunk), events);
            }
            s.execute("analyze audit_event");
        }
        System.out.printf("%n  loaded in %.0f s%n", (System.nanoTime() - began) / 1e9);
    }
}
