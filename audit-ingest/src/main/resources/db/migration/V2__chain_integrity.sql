-- Each machine's hash chain as ingested so far, and every break found in it.
create table machine_chain (
    machine_id  text        primary key,
    last_seq    bigint      not null,
    last_hash   text        not null,
    updated_at  timestamptz not null
);

create table integrity_finding (
    id          bigserial   primary key,
    machine_id  text        not null,
    event_id    text        not null,
    seq         bigint,
    problem     text        not null,
    detected_at timestamptz not null
);
create index integrity_finding_machine on integrity_finding (machine_id, detected_at);
