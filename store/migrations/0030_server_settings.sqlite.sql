-- What a running server says of itself for the commands run beside it:
-- the base URL guests reach it at (for the QR links `tableside tables`
-- prints). See the PostgreSQL file of the same number.
CREATE TABLE server_settings (
	name       TEXT    NOT NULL PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
