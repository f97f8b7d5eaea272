-- Alerts reach people: push subscriptions of staff phones, each person's
-- preferences, signed webhooks, and the outbox every notification is sent
-- from (durable: what is not yet sent survives a restart), with the
-- notifier's place in the event log.

-- Events gain kinds (an escalation has steps; a follow-up falls due), so the
-- table is rebuilt for its CHECK, ids kept.
CREATE TABLE events_new (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	alert_id      INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	kind          TEXT    NOT NULL CHECK (kind IN ('raised', 'acknowledged', 'resolved', 'escalated', 'follow-up-due')),
	created_at    INTEGER NOT NULL,
	prev_id       INTEGER NOT NULL DEFAULT 0,
	step          INTEGER NOT NULL DEFAULT 0 -- an escalation's step, from 1
) STRICT;
INSERT INTO events_new (id, restaurant_id, alert_id, kind, created_at, prev_id, step)
	SELECT id, restaurant_id, alert_id, kind, created_at, prev_id, CASE kind WHEN 'escalated' THEN 1 ELSE 0 END FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_restaurant ON events (restaurant_id, id);

-- How far an open alert has escalated (0: not yet), and when a promised
-- follow-up was announced as due.
ALTER TABLE alerts ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;
UPDATE alerts SET escalation_step = 1 WHERE escalated_at IS NOT NULL;
ALTER TABLE alerts ADD COLUMN follow_up_due_at INTEGER;
CREATE INDEX alerts_open ON alerts (created_at) WHERE state = 'open';
CREATE INDEX alerts_follow_up ON alerts (follow_up_at) WHERE outcome = 'follow-up' AND follow_up_done_at IS NULL AND follow_up_due_at IS NULL;

CREATE TABLE push_subscriptions (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	endpoint      TEXT    NOT NULL,
	p256dh        TEXT    NOT NULL,
	auth          TEXT    NOT NULL,
	created_at    INTEGER NOT NULL,
	UNIQUE (endpoint, restaurant_id)
) STRICT;
CREATE INDEX push_subscriptions_restaurant ON push_subscriptions (restaurant_id);

-- What each person is sent about each restaurant. No row: the default of
-- their role (managers every alert, owners escalations).
CREATE TABLE notify_prefs (
	user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	level         TEXT    NOT NULL CHECK (level IN ('all', 'urgent', 'escalated', 'off')),
	quiet_from    INTEGER CHECK (quiet_from BETWEEN 0 AND 1439), -- minutes after local midnight; NULL: no quiet hours
	quiet_to      INTEGER CHECK (quiet_to BETWEEN 0 AND 1439),
	PRIMARY KEY (user_id, restaurant_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE webhooks (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	url           TEXT    NOT NULL,
	format        TEXT    NOT NULL CHECK (format IN ('json', 'slack')),
	secret        TEXT    NOT NULL, -- whsec_…, shown once
	created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX webhooks_restaurant ON webhooks (restaurant_id);

-- Every notification to send, sent at least once: a push to a subscription,
-- a webhook delivery, an email to a user. message_id is the same on every
-- retry (a webhook's webhook-id). Sent, failed and gone rows stay as the
-- delivery log.
CREATE TABLE outbox (
	id            INTEGER PRIMARY KEY,
	channel       TEXT    NOT NULL CHECK (channel IN ('push', 'webhook', 'email')),
	target_id     INTEGER NOT NULL,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	event_id      INTEGER,
	message_id    TEXT    NOT NULL,
	payload       TEXT    NOT NULL,
	urgent        INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
	created_at    INTEGER NOT NULL,
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_at       INTEGER NOT NULL,
	status        TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'gone')),
	last_code     INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT    NOT NULL DEFAULT '',
	done_at       INTEGER
) STRICT;
CREATE INDEX outbox_due ON outbox (next_at) WHERE status = 'pending';
CREATE INDEX outbox_target ON outbox (channel, target_id, id);

-- Where background readers of the event log have got to.
CREATE TABLE cursors (
	name  TEXT    PRIMARY KEY,
	value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- The notifier starts from now: no flood of old alerts on the first start.
INSERT INTO cursors (name, value) SELECT 'notify', coalesce(max(id), 0) FROM events;
