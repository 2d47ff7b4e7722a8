-- Events partitioned by month of occurrence, so retention drops whole partitions instead of deleting rows.
-- The primary key must contain the partition key; an event's timestamp is part of its content, so a redelivered
-- event still conflicts with its first copy.
alter table audit_event rename to audit_event_before_partitioning;
drop index audit_event_occurred_at;
drop index audit_event_machine;
drop index audit_event_user_time;
drop index audit_event_verdict_time;

create table audit_event (
    event_id     text        not null,
    machine_id   text        not null,
    event_type   text        not null,
    occurred_at  timestamptz not null,
    payload      jsonb       not null,
    ingested_at  timestamptz not null,
    primary key (event_id, occurred_at)
) partition by range (occurred_at);
create index audit_event_occurred_at on audit_event (occurred_at, event_id);
create index audit_event_machine on audit_event (machine_id, occurred_at);
create index audit_event_user_time on audit_event ((payload->'user'->>'email'), occurred_at);
create index audit_event_verdict_time on audit_event ((payload->'decision'->>'verdict'), occurred_at);

-- Creates the month's partition when missing (idempotent; ingest calls it for every month it has not seen yet).
create function audit_event_ensure_partition(month_start date) returns void language plpgsql as $$
declare
    first_day date := date_trunc('month', month_start)::date;
    name text := 'audit_event_' || to_char(first_day, 'YYYY_MM');
begin
    execute format('create table if not exists %I partition of audit_event for values from (%L) to (%L)',
        name, first_day::timestamp at time zone 'UTC', (first_day + interval '1 month')::timestamp at time zone 'UTC');
end $$;

select audit_event_ensure_partition(m::date)
from (select distinct date_trunc('month', occurred_at at time zone 'UTC') as m from audit_event_before_partitioning) months;
insert into audit_event select * from audit_event_before_partitioning;
drop table audit_event_before_partitioning;

-- The S3 archive: one gzip NDJSON object per Kafka partition and batch, listed in the signed manifest of its hour.
create table archive_hour (
    hour            timestamptz primary key,
    sealed          boolean     not null,
    manifest_key    text,
    manifest_sha256 text,
    objects         int,
    events          bigint,
    sealed_at       timestamptz
);

create table archive_object (
    object_key   text        primary key,
    hour         timestamptz not null references archive_hour (hour),
    topic        text        not null,
    partition    int         not null,
    first_offset bigint      not null,
    last_offset  bigint      not null,
    events       int         not null,
    bytes        bigint      not null,
    sha256       text        not null,
    written_at   timestamptz not null
);
create index archive_object_hour on archive_object (hour);
