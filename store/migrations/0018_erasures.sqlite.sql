-- Each erasure of a guest's data, without the data: who asked, when, and
-- how much was erased.
CREATE TABLE erasures (
	id INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
	user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	responses INTEGER NOT NULL,
	alerts INTEGER NOT NULL,
	deliveries INTEGER NOT NULL
);
