-- Offers that win back a guest who left: an apology with a named item or an
-- amount (under the owner's ceiling), valid for some days, good once. Only
-- a hash of the code is kept. Sending and redeeming are events of the
-- alert they answer, so events are rebuilt for their CHECK (ids kept).
ALTER TABLE restaurants ADD COLUMN offer_ceiling_minor INTEGER NOT NULL DEFAULT 2500 CHECK (offer_ceiling_minor >= 0);
CREATE TABLE offers (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	alert_id      INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	item          TEXT    NOT NULL DEFAULT '',
	amount_minor  INTEGER CHECK (amount_minor > 0),
	code_hash     BLOB    NOT NULL UNIQUE,
	expires_at    INTEGER NOT NULL,
	created_at    INTEGER NOT NULL,
	created_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	redeemed_at   INTEGER,
	redeemed_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
	CHECK ((item = '') <> (amount_minor IS NULL))
) STRICT;
CREATE INDEX offers_alert ON offers (alert_id);
CREATE INDEX offers_restaurant ON offers (restaurant_id, created_at);
CREATE TABLE events_new (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	alert_id      INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	kind          TEXT    NOT NULL CHECK (kind IN ('raised', 'acknowledged', 'resolved', 'reopened', 'escalated', 'follow-up-due', 'offer-sent', 'offer-redeemed')),
	created_at    INTEGER NOT NULL,
	prev_id       INTEGER NOT NULL DEFAULT 0,
	step          INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO events_new (id, restaurant_id, alert_id, kind, created_at, prev_id, step)
	SELECT id, restaurant_id, alert_id, kind, created_at, prev_id, step FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_restaurant ON events (restaurant_id, id);
