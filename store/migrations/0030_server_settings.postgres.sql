-- What a running server says of itself for the commands run beside it (see
-- the SQLite file of the same number).
CREATE TABLE server_settings (
	name       text   NOT NULL PRIMARY KEY,
	value      text   NOT NULL,
	updated_at bigint NOT NULL
);
