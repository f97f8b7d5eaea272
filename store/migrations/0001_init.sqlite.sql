-- Tableside's first schema. Times are Unix milliseconds, UTC; money is integer
-- cents; days (covers) are YYYY-MM-DD in the restaurant's own time zone.

CREATE TABLE restaurants (
	id         INTEGER PRIMARY KEY,
	slug       TEXT    NOT NULL UNIQUE,
	name       TEXT    NOT NULL,
	time_zone  TEXT    NOT NULL DEFAULT 'UTC',
	created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE tables (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	label         TEXT    NOT NULL,
	token         TEXT    NOT NULL UNIQUE,
	active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at    INTEGER NOT NULL,
	rotated_at    INTEGER
) STRICT;
CREATE INDEX tables_restaurant ON tables (restaurant_id, active);
-- Two active tables of one restaurant never share a label.
CREATE UNIQUE INDEX tables_active_label ON tables (restaurant_id, label) WHERE active = 1;

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	name          TEXT    NOT NULL,
	password_hash TEXT    NOT NULL,
	created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE memberships (
	user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	role          TEXT    NOT NULL CHECK (role IN ('owner', 'manager')),
	PRIMARY KEY (user_id, restaurant_id)
) STRICT;
CREATE INDEX memberships_restaurant ON memberships (restaurant_id);

-- Keys the server generates once and keeps with the data (receipt ids; later
-- session keys), so a restart or a restored backup keeps working.
CREATE TABLE secrets (
	name       TEXT    PRIMARY KEY,
	value      BLOB    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE responses (
	id              INTEGER PRIMARY KEY,
	-- The receipt id, derived from the table token and the form's hidden key with
	-- a server secret: a replayed POST derives the same id and finds the
	-- response it already made, so this one index serves both.
	public_id       TEXT    NOT NULL UNIQUE,
	restaurant_id   INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	table_id        INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
	rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
	comment         TEXT    NOT NULL DEFAULT '',
	at_table        INTEGER NOT NULL DEFAULT 0 CHECK (at_table IN (0, 1)),
	guest_name      TEXT    NOT NULL DEFAULT '',
	-- Contact is stored only when the guest consented to be contacted.
	contact         TEXT    NOT NULL DEFAULT '' CHECK (contact = '' OR contact_consent = 1),
	contact_consent INTEGER NOT NULL DEFAULT 0 CHECK (contact_consent IN (0, 1)),
	-- Known tag keys, space-separated: an attribute of the response, written in
	-- the same row so a submission touches as few pages as possible.
	tags            TEXT    NOT NULL DEFAULT '',
	check_number    TEXT    NOT NULL DEFAULT '',
	language        TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX responses_restaurant_created ON responses (restaurant_id, created_at);

CREATE TABLE covers (
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	day           TEXT    NOT NULL,
	guests        INTEGER NOT NULL CHECK (guests >= 0),
	PRIMARY KEY (restaurant_id, day)
) STRICT, WITHOUT ROWID;
