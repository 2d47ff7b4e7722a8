-- The outbox and the administrative audit chain, owned by service-outbox and migrated with its own history table
-- (outbox_schema_history) after the service's own migrations. Databases made before it got them from the services'
-- migrations: a first shape named admin_audit_outbox (policy-service V2, exception-service V2), later renamed and
-- extended there. This brings any of those states, or none, to the one below, and changes nothing already there.
do $$
begin
    if to_regclass('outbox') is null and to_regclass('admin_audit_outbox') is not null then
        alter table admin_audit_outbox rename to outbox;
        alter index if exists admin_audit_outbox_unsent rename to outbox_unsent;
    end if;
end $$;

create table if not exists outbox (
    id         bigserial   primary key,
    event_id   text        not null unique,
    payload    text        not null,
    created_at timestamptz not null,
    sent_at    timestamptz
);
alter table outbox add column if not exists topic      text,
                   add column if not exists record_key text,
                   add column if not exists failed_at  timestamptz,
                   add column if not exists failure    text;
-- rows from before records had a topic were administrative audit events of this service
update outbox set topic = 'audit.events.v1' where topic is null;
update outbox set record_key = 'service:${service}' where record_key is null;
alter table outbox alter column topic set not null, alter column record_key set not null;

-- A row Kafka can never take is set aside (failed_at, failure) instead of holding up the rows behind it.
drop index if exists outbox_unsent;
create index outbox_unsent on outbox (id) where sent_at is null and failed_at is null;

create table if not exists admin_audit_chain (
    source    text   primary key,
    last_seq  bigint not null,
    last_hash text   not null
);
