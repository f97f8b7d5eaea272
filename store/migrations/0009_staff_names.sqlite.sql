-- A restaurant knows its staff by the name its owner gave when adding them.
-- An owner who adds an email that already has an account (perhaps with
-- another restaurant) sees what they typed, never that account's own name.
-- Empty: the account's name, as for everyone added before.
ALTER TABLE memberships ADD COLUMN name TEXT NOT NULL DEFAULT '';
