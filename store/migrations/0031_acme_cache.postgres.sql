-- Automatic HTTPS keeps its ACME account key and certificates here (see the
-- SQLite file of the same number).
CREATE TABLE acme_cache (
	key        text   NOT NULL PRIMARY KEY,
	data       bytea  NOT NULL,
	updated_at bigint NOT NULL
);
