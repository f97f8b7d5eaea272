-- Read-only API tokens, made by an owner for one restaurant: only a hash
-- of each is kept, and its first characters to tell them apart.
CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	restaurant_id INTEGER NOT NULL REFERENCES restaurants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,
	token_hash BLOB NOT NULL UNIQUE,
	created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	last_used_at INTEGER
);
CREATE INDEX api_tokens_restaurant ON api_tokens (restaurant_id);
