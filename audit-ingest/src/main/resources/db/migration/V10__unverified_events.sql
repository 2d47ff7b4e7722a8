-- Events stored without proof of their origin (enrolment.mode=record) are integrity findings of kind 'unverified';
-- compliance totals count them apart from verified events, looking them up by event.
create index integrity_finding_unverified on integrity_finding (event_id) where kind = 'unverified';
