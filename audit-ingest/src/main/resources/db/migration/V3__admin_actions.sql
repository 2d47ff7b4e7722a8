-- Actions taken on the audit store itself (retention, data-subject exports): they are evidence too.
create table audit_admin_action (
    id          bigserial   primary key,
    action      text        not null,
    actor       text        not null,
    detail      text        not null,
    occurred_at timestamptz not null
);
