-- The newest enrolment of every machine, from policy-service's machine.enrolments.v1: every event's signature, machine
-- and user are checked against it.
create table machine_enrolment (
    machine_id text        primary key,
    email      text        not null,
    public_key text        not null,
    key_id     text        not null,
    changed_at timestamptz not null,
    revoked_at timestamptz,
    revoked_by text
);
