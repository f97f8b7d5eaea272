-- The owner's summary: each restaurant's voice-rate assumption for the
-- silent-dissatisfaction estimate, in basis points (400 = 4%), and a record
-- of the weekly digests sent, so that each owner gets each week once.

ALTER TABLE restaurants ADD COLUMN voice_low_bp     INTEGER NOT NULL DEFAULT 100 CHECK (voice_low_bp BETWEEN 1 AND 10000);
ALTER TABLE restaurants ADD COLUMN voice_central_bp INTEGER NOT NULL DEFAULT 400 CHECK (voice_central_bp BETWEEN 1 AND 10000);
ALTER TABLE restaurants ADD COLUMN voice_high_bp    INTEGER NOT NULL DEFAULT 500 CHECK (voice_high_bp BETWEEN 1 AND 10000);

CREATE TABLE digests (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	week    TEXT    NOT NULL, -- ISO week, YYYY-Www
	sent_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, week)
) STRICT, WITHOUT ROWID;
