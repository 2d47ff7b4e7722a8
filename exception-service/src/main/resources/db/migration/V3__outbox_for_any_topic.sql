-- The outbox carries records for any topic (service-support's Outbox), not only administrative audit events.
alter table admin_audit_outbox rename to outbox;
alter index admin_audit_outbox_unsent rename to outbox_unsent;
alter table outbox add column topic text not null default 'audit.events.v1',
                   add column record_key text not null default 'service:exception-service';
alter table outbox alter column topic drop default, alter column record_key drop default;
