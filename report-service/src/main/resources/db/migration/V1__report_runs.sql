-- Who generated which compliance report for which period: report generation is itself evidence.
create table report_run (
    id            uuid primary key,
    kind          text        not null check (kind in ('soc2', 'hipaa')),
    format        text        not null check (format in ('json', 'csv', 'pdf')),
    period_from   timestamptz not null,
    period_to     timestamptz not null,
    requested_by  text        not null,
    created_at    timestamptz not null,
    check (period_from < period_to)
);
create index report_run_created_at on report_run (created_at);
