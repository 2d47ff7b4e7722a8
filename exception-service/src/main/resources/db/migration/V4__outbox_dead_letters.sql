-- A row Kafka can never take (too large, invalid) is set aside with the reason instead of holding up the rows behind it.
alter table outbox add column failed_at timestamptz,
                   add column failure text;
drop index if exists outbox_unsent;
create index outbox_unsent on outbox (id) where sent_at is null and failed_at is null;
