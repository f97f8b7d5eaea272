-- What a running server says of itself for the commands run beside it:
-- the base URL guests reach it at (for the QR links `tableside tables`
-- prints). The same SQL on both engines.
CREATE TABLE server_settings (
	name       TEXT   NOT NULL PRIMARY KEY,
	value      TEXT   NOT NULL,
	updated_at BIGINT NOT NULL
);
