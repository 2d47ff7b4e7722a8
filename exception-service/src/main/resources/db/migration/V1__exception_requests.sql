-- Exception requests and their lifecycle; every transition is kept in exception_event.
create table exception_request (
    id                 uuid primary key,
    policy_name        text        not null,
    scope_type         text        not null check (scope_type in ('user', 'team', 'project')),
    scope_value        text        not null,
    requested_value    text,
    requester          text        not null,
    reason             text        not null,
    requested_duration interval    not null,
    state              text        not null check (state in ('pending', 'approved', 'denied', 'revoked', 'expired')),
    decided_by         text,
    decision_reason    text,
    expires_at         timestamptz,
    created_at         timestamptz not null,
    updated_at         timestamptz not null
);
create index exception_request_requester on exception_request (requester);
create index exception_request_state on exception_request (state);
