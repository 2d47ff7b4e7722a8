-- Audit events as received from audit.events.v1; event_id makes redelivery harmless.
create table audit_event (
    event_id     text        primary key,
    machine_id   text        not null,
    event_type   text        not null,
    occurred_at  timestamptz not null,
    payload      jsonb       not null,
    ingested_at  timestamptz not null
);
create index audit_event_occurred_at on audit_event (occurred_at);
create index audit_event_machine on audit_event (machine_id, occurred_at);
