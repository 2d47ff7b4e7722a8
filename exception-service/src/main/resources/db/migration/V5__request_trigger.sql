-- The call the policy refused that made the developer ask (from their agent's own audit trail, when it has one), so the
-- approver sees what was blocked without reading the audit trail, and the event id leads to it there.
alter table exception_request add column trigger_event_id text,
                              add column trigger_at       timestamptz,
                              add column trigger_tool     text,
                              add column trigger_detail   text;
