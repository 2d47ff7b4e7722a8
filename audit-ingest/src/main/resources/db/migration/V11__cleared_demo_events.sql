-- Demo data (bin/platform demo: machines named demo-*) can be cleared. The archive keeps what was sealed, so the ids
-- of cleared events are kept here: the sweep then knows those rows were removed on purpose, by whom and when, and
-- flags any other missing row as before.
create table cleared_demo_event (
    event_id   text        primary key,
    machine_id text        not null check (machine_id like 'demo-%'),
    cleared_at timestamptz not null,
    cleared_by text        not null
);
