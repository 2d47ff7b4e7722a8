-- The newest state of every exception request, from exception-service's exception.grants.v1 (a read model: approved
-- ones go into the bundles they concern, pending ones are listed for their requester).
create sequence exception_state_change_seq;
create table exception_state (
    id           text        primary key,
    version      bigint      not null,
    state        text        not null,
    policy_name  text        not null,
    value        text,
    scope_type   text        not null,
    subject      text        not null,
    requester    text        not null,
    reason       text,
    decided_by   text,
    expires_at   timestamptz,
    requested_at timestamptz not null,
    -- Grows at every stored change, across all rows: bundles and long polls notice any change by its maximum.
    change_seq   bigint      not null
);
create index exception_state_in_force on exception_state (state) where state in ('approved', 'pending');
