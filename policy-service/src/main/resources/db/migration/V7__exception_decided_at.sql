-- When a request reached its state (approved, denied, revoked): impact analysis replays a recorded call with the grants
-- in force at its time. Null for pending requests and for states received before exception-service sent it.
alter table exception_state add column decided_at timestamptz;
