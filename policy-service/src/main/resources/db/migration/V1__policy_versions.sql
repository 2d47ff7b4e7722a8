-- Immutable policy document versions; the revision only grows.
create table policy_version (
    revision     bigint primary key,
    document     text        not null,
    sha256       text        not null check (sha256 ~ '^[0-9a-f]{64}$'),
    author       text        not null,
    change_note  text        not null,
    created_at   timestamptz not null
);
