-- Password resets: a single-use token, mailed, valid for 30 minutes; the
-- row's id is the token's SHA-256.
CREATE TABLE password_resets (
	id         TEXT    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	used_at    INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

-- Invitations to work at a restaurant: the invited person accepts with the
-- link (the row's id is the SHA-256 of its token), signing in or making an
-- account; nothing about an existing account is shown to the owner.
CREATE TABLE invitations (
	id            TEXT    PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	email         TEXT    NOT NULL COLLATE NOCASE,
	name          TEXT    NOT NULL,
	role          TEXT    NOT NULL CHECK (role IN ('owner', 'manager')),
	invited_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at    INTEGER NOT NULL,
	accepted_at   INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX invitations_restaurant ON invitations (restaurant_id, created_at);

-- Account emails (a reset link, an invitation) go through the outbox too,
-- and belong to no restaurant: restaurant_id may be null.
CREATE TABLE outbox_new (
	id            INTEGER PRIMARY KEY,
	channel       TEXT    NOT NULL CHECK (channel IN ('push', 'webhook', 'email')),
	target_id     INTEGER NOT NULL,
	restaurant_id INTEGER REFERENCES restaurants (id) ON DELETE CASCADE,
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
INSERT INTO outbox_new SELECT * FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_at) WHERE status = 'pending';
CREATE INDEX outbox_target ON outbox (channel, target_id, id);
