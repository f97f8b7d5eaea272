-- A resolution taken back by Undo is an event of its own, "reopened".
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check
	CHECK (kind IN ('raised', 'acknowledged', 'resolved', 'reopened', 'escalated', 'follow-up-due'));
