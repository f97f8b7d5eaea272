-- The events seam: each event names the restaurant's event before it, so a
-- client that sees an event whose prev_id is not the last id it saw knows it
-- missed something and catches up; and a complaint logged in person carries the
-- key of the form that sent it, so a resent form never logs it twice.

ALTER TABLE events ADD COLUMN prev_id INTEGER NOT NULL DEFAULT 0;
UPDATE events SET prev_id = coalesce(
	(SELECT max(p.id) FROM events p WHERE p.restaurant_id = events.restaurant_id AND p.id < events.id), 0);

ALTER TABLE alerts ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX alerts_request_key ON alerts (restaurant_id, request_key) WHERE request_key IS NOT NULL;
