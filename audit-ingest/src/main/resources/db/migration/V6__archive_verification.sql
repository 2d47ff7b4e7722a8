-- Each sealed hour verified against the S3 archive once it is sealed, and again on every later sweep
-- (audit-ingest.archive.reverify-after), so reports read verification results instead of re-reading the archive.
create table archive_verification (
    hour        timestamptz primary key references archive_hour (hour),
    verified_at timestamptz not null,
    objects     int         not null,
    events      bigint      not null,
    findings    jsonb       not null
);

-- Where the sweep through the archive stands: the last hour verified, its manifest's SHA-256 (the next manifest must
-- record it) and each machine's last archived event (the next hour's events must continue its chain).
create table archive_verification_cursor (
    id               int         primary key check (id = 1),
    hour             timestamptz,
    manifest_sha256  text,
    heads            jsonb       not null,
    sweep_started_at timestamptz not null
);
