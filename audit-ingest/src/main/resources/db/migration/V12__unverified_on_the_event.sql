-- Why an event's origin is not proven (enrolment.mode=record) is kept on the event itself, not as an integrity finding
-- per event: a fleet still enrolling wrote one finding row (and two index entries) for every event it sent, which made
-- about 40% of the insert's cost and doubled the rows, only for reports to count them with a lookup per event.
alter table audit_event add column unverified text;

update audit_event e set unverified = f.problem
from integrity_finding f
where f.kind = 'unverified' and f.event_id = e.event_id;

delete from integrity_finding where kind = 'unverified';
drop index integrity_finding_unverified;
