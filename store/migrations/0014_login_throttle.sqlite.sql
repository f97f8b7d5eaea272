-- Wrong passwords are counted per account and address, and per account in
-- all; each count sets a delay that doubles, rather than a lock that anyone
-- could keep renewing for someone else's account.
DROP TABLE login_failures;
CREATE TABLE login_failures (
	key      TEXT    PRIMARY KEY,
	failures INTEGER NOT NULL,
	last_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
