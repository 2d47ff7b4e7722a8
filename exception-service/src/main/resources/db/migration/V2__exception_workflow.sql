-- Every transition of a request, kept (the request row holds only the current state).
create table exception_event (
    id         bigserial   primary key,
    request_id uuid        not null references exception_request (id),
    from_state text,
    to_state   text        not null,
    actor      text        not null,
    note       text,
    at         timestamptz not null
);
create index exception_event_request on exception_event (request_id, id);

-- Administrative audit outbox and chain (service-support's AdminAuditEvents and AdminAuditRelay).
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
