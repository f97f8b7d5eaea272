-- Live alerts on the floor, their per-restaurant rules, and the event log that
-- a reconnecting tablet replays from (Last-Event-ID is an events.id).

ALTER TABLE restaurants ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
-- A response rated at or below this raises an alert (0: never, by rating).
ALTER TABLE restaurants ADD COLUMN alert_max_rating INTEGER NOT NULL DEFAULT 2 CHECK (alert_max_rating BETWEEN 0 AND 5);
-- An urgent tag (something in the food, an allergy) raises an alert whatever the rating.
ALTER TABLE restaurants ADD COLUMN alert_urgent_tags INTEGER NOT NULL DEFAULT 1 CHECK (alert_urgent_tags IN (0, 1));
-- A complaint made while the diner is still at the table raises an alert.
ALTER TABLE restaurants ADD COLUMN alert_at_table INTEGER NOT NULL DEFAULT 1 CHECK (alert_at_table IN (0, 1));
-- An alert nobody has acknowledged after this many seconds escalates.
ALTER TABLE restaurants ADD COLUMN escalate_after_s INTEGER NOT NULL DEFAULT 180 CHECK (escalate_after_s BETWEEN 30 AND 3600);

CREATE TABLE alerts (
	id                INTEGER PRIMARY KEY,
	restaurant_id     INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	-- The survey response that raised it; NULL for a complaint told in person.
	response_id       INTEGER UNIQUE REFERENCES responses (id) ON DELETE CASCADE,
	table_id          INTEGER REFERENCES tables (id),
	reasons           TEXT    NOT NULL,              -- why, space-separated: low-rating urgent at-table in-person
	note              TEXT    NOT NULL DEFAULT '',   -- what a manager heard, for in-person complaints
	tags              TEXT    NOT NULL DEFAULT '',   -- for in-person complaints
	logged_by         INTEGER REFERENCES users (id),
	state             TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
	created_at        INTEGER NOT NULL,
	escalated_at      INTEGER,
	acknowledged_at   INTEGER,
	acknowledged_by   INTEGER REFERENCES users (id),
	resolved_at       INTEGER,
	resolved_by       INTEGER REFERENCES users (id),
	outcome           TEXT    CHECK (outcome IN ('apologised', 'replaced', 'comped-item', 'comped-bill', 'discount', 'follow-up', 'guest-left')),
	amount_cents      INTEGER CHECK (amount_cents >= 0),
	follow_up_at      INTEGER,
	follow_up_contact TEXT    NOT NULL DEFAULT '',
	resolution_note   TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX alerts_restaurant_state ON alerts (restaurant_id, state, created_at);
CREATE INDEX alerts_restaurant_created ON alerts (restaurant_id, created_at);

CREATE TABLE events (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	alert_id      INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	kind          TEXT    NOT NULL CHECK (kind IN ('raised', 'acknowledged', 'resolved', 'escalated')),
	created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX events_restaurant ON events (restaurant_id, id);
