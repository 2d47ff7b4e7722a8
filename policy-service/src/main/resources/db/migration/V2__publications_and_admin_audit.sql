-- A publication puts a revision in force for a scope; the newest publication of a scope is the one in force.
-- canary_percent < 100 is a staged rollout: that share of machines (by a stable hash of the machine id) gets
-- revision, the others keep previous_revision.
create table publication (
    id                bigserial   primary key,
    scope_type        text        not null check (scope_type in ('organization', 'team', 'project')),
    scope_value       text        not null,
    revision          bigint      not null references policy_version (revision),
    previous_revision bigint      references policy_version (revision),
    canary_percent    int         not null check (canary_percent between 1 and 100),
    published_by      text        not null,
    note              text        not null,
    published_at      timestamptz not null
);
create index publication_scope on publication (scope_type, scope_value, id desc);

-- Administrative changes as audit events, written in the transaction of the change (transactional outbox) and
-- relayed to audit.events.v1; chained like an agent's events, with this service as the "machine".
create table admin_audit_outbox (
    id         bigserial   primary key,
    event_id   text        not null unique,
    payload    text        not null,
    created_at timestamptz not null,
    sent_at    timestamptz
);
create index admin_audit_outbox_unsent on admin_audit_outbox (id) where sent_at is null;

create table admin_audit_chain (
    source    text   primary key,
    last_seq  bigint not null,
    last_hash text   not null
);
