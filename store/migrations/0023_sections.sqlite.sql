-- Sections and who served them. An owner groups tables into sections; on
-- the floor a manager says who of the team serves each section for the
-- shift, kept until changed, each change a row of its own (shifts: from,
-- to, who set it). A response and an alert keep the section of their table
-- when they were made, so a table moved later does not rewrite the past;
-- who served is read from shifts at that moment.
CREATE TABLE sections (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	name          TEXT    NOT NULL,
	created_at    INTEGER NOT NULL,
	UNIQUE (restaurant_id, name)
) STRICT;
ALTER TABLE tables ADD COLUMN section_id INTEGER REFERENCES sections (id) ON DELETE SET NULL;
ALTER TABLE responses ADD COLUMN section_id INTEGER REFERENCES sections (id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN section_id INTEGER REFERENCES sections (id) ON DELETE SET NULL;
CREATE TABLE shifts (
	id            INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants (id) ON DELETE CASCADE,
	section_id    INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
	person        TEXT    NOT NULL,
	from_at       INTEGER NOT NULL,
	to_at         INTEGER,
	set_by        INTEGER REFERENCES users (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX shifts_restaurant ON shifts (restaurant_id, from_at);
CREATE INDEX shifts_section ON shifts (section_id, from_at);
