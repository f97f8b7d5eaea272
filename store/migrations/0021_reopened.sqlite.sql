-- A resolution taken back by Undo is an event of its own, "reopened", so an
-- alert's history keeps both. The table is rebuilt for its CHECK, ids kept
-- (nothing refers to events, so foreign keys may stay on).
CREATE TABLE events_new (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	alert_id      INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	kind          TEXT    NOT NULL CHECK (kind IN ('raised', 'acknowledged', 'resolved', 'reopened', 'escalated', 'follow-up-due')),
	created_at    INTEGER NOT NULL,
	prev_id       INTEGER NOT NULL DEFAULT 0,
	step          INTEGER NOT NULL DEFAULT 0 -- an escalation's step, from 1
) STRICT;
INSERT INTO events_new (id, restaurant_id, alert_id, kind, created_at, prev_id, step)
	SELECT id, restaurant_id, alert_id, kind, created_at, prev_id, step FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_restaurant ON events (restaurant_id, id);
