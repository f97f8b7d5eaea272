-- foreign_keys=off
-- A guest who only asks for someone ("I'm still at the table — please send
-- someone") need not rate: rating becomes NULL for them. SQLite cannot drop
-- a NOT NULL or change a CHECK in place, so the table is rebuilt as its
-- documented procedure says (https://sqlite.org/lang_altertable.html#otheralter):
-- with foreign keys off, so that dropping the old table does not cascade to
-- the alerts that reference it, and checked again before the commit. The day
-- cache is emptied: its figures now count rated answers apart.
CREATE TABLE responses_new (
	id              INTEGER PRIMARY KEY,
	public_id       TEXT    NOT NULL UNIQUE,
	restaurant_id   INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	table_id        INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
	rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
	comment         TEXT    NOT NULL DEFAULT '',
	at_table        INTEGER NOT NULL DEFAULT 0 CHECK (at_table IN (0, 1)),
	guest_name      TEXT    NOT NULL DEFAULT '',
	contact         TEXT    NOT NULL DEFAULT '' CHECK (contact = '' OR contact_consent = 1),
	contact_consent INTEGER NOT NULL DEFAULT 0 CHECK (contact_consent IN (0, 1)),
	tags            TEXT    NOT NULL DEFAULT '',
	check_number    TEXT    NOT NULL DEFAULT '',
	language        TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	-- Only a guest at the table may leave the rating out.
	CHECK (rating IS NOT NULL OR at_table = 1)
) STRICT;
INSERT INTO responses_new (id, public_id, restaurant_id, table_id, rating, comment, at_table, guest_name,
		contact, contact_consent, tags, check_number, language, created_at)
	SELECT id, public_id, restaurant_id, table_id, rating, comment, at_table, guest_name,
		contact, contact_consent, tags, check_number, language, created_at FROM responses;
DROP TABLE responses;
ALTER TABLE responses_new RENAME TO responses;
CREATE INDEX responses_restaurant_week ON responses (restaurant_id, created_at, rating, at_table, tags, language);
DELETE FROM day_stats;
