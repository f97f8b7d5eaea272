-- A phone's push subscription belongs to the sign-in that made it: it ends
-- with that session (signing out, signing out everywhere, a password
-- change), so a lost phone stops receiving guests' words. Subscriptions
-- made before this have no session; they end when any session of their
-- user does. The same SQL on both engines.
ALTER TABLE push_subscriptions ADD COLUMN session_id TEXT REFERENCES sessions (id) ON DELETE CASCADE;
CREATE INDEX push_subscriptions_session ON push_subscriptions (session_id);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);
