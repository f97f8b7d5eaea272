-- Staff sessions live on the server: the cookie carries only a random token,
-- whose SHA-256 is the row's id, so that signing out, a password change or a
-- removal ends a session everywhere, and a copied cookie stops working.
CREATE TABLE sessions (
	id         TEXT    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	seen_at    INTEGER NOT NULL,
	user_agent TEXT    NOT NULL DEFAULT '',
	address    TEXT    NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_seen ON sessions (seen_at);
