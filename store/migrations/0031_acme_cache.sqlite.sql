-- Automatic HTTPS keeps its ACME account key and certificates here, so a
-- restart reuses them, and instances on one PostgreSQL database share them
-- (see the PostgreSQL file of the same number).
CREATE TABLE acme_cache (
	key        TEXT    NOT NULL PRIMARY KEY,
	data       BLOB    NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
