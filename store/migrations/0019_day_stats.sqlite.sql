-- The summary's figures of each complete day of each restaurant, worked
-- out once from responses and alerts and kept: a week of 19,000 responses
-- is then seven rows. A day is [start_ms, end_ms) in the restaurant's zone
-- when it was worked out; names_key is the team names it counted. Any
-- change to that day's responses or alerts deletes its row (daycache.go).
CREATE TABLE day_stats (
	restaurant_id INTEGER NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
	start_ms INTEGER NOT NULL,
	end_ms INTEGER NOT NULL,
	names_key TEXT NOT NULL,
	stats BLOB NOT NULL,
	PRIMARY KEY (restaurant_id, start_ms, end_ms)
) WITHOUT ROWID;
