-- The common SIEM and dashboard queries: one user's events over a period, and events by decision over a period.
create index audit_event_user_time on audit_event ((payload->'user'->>'email'), occurred_at);
create index audit_event_verdict_time on audit_event ((payload->'decision'->>'verdict'), occurred_at);
