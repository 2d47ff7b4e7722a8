-- What a finding is about: a break in a machine's hash chain ('chain'), or an agent timestamp far from ingest time
-- ('clock': the machine's clock is wrong, or the event was held back).
alter table integrity_finding add column kind text not null default 'chain';
