-- Wrong passwords per email address (known or not, so that locking says
-- nothing about which accounts exist): after a few within a short window the
-- address is locked for a while, whatever connection the guesses come from.

CREATE TABLE login_failures (
	email        TEXT    PRIMARY KEY COLLATE NOCASE,
	failures     INTEGER NOT NULL,
	first_at     INTEGER NOT NULL,
	locked_until INTEGER
) STRICT, WITHOUT ROWID;
