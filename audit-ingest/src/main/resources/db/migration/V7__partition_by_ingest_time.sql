-- Partitions and retention follow ingest time, which the platform's clock sets, instead of the agent's timestamp: a
-- laptop set to 2001 can no longer put its events in a partition retention drops at once. Since the primary key must
-- hold the partition key, and a redelivered event is ingested at another time, event ids live in a registry of their
-- own, which keeps ingest idempotent.
create table audit_event_id (
    event_id    text        primary key,
    ingested_at timestamptz not null
);
create index audit_event_id_ingested_at on audit_event_id (ingested_at);

alter table audit_event rename to audit_event_by_occurrence;
alter index audit_event_occurred_at rename to audit_event_by_occurrence_occurred_at;
alter index audit_event_machine rename to audit_event_by_occurrence_machine;
alter index audit_event_user_time rename to audit_event_by_occurrence_user_time;
alter index audit_event_verdict_time rename to audit_event_by_occurrence_verdict_time;
do $$
declare
    part record;
begin
    for part in select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent = 'audit_event_by_occurrence'::regclass loop
        execute format('alter table %I rename to %I', part.relname, part.relname || '_by_occurrence');
    end loop;
end $$;

create table audit_event (
    event_id     text        not null,
    machine_id   text        not null,
    event_type   text        not null,
    occurred_at  timestamptz not null,
    payload      jsonb       not null,
    ingested_at  timestamptz not null,
    primary key (event_id, ingested_at)
) partition by range (ingested_at);
create index audit_event_occurred_at on audit_event (occurred_at, event_id);
create index audit_event_ingested_at on audit_event (ingested_at);
create index audit_event_machine on audit_event (machine_id, occurred_at);
create index audit_event_user_time on audit_event ((payload->'user'->>'email'), occurred_at);
create index audit_event_verdict_time on audit_event ((payload->'decision'->>'verdict'), occurred_at);

select audit_event_ensure_partition(m::date)
from (select distinct date_trunc('month', ingested_at at time zone 'UTC') as m from audit_event_by_occurrence) months;
insert into audit_event select * from audit_event_by_occurrence;
insert into audit_event_id select event_id, min(ingested_at) from audit_event_by_occurrence group by event_id;
drop table audit_event_by_occurrence;
