-- Follow-ups a manager promised a guest can be marked done, so the summary
-- can tell open and overdue ones apart; and each restaurant keeps the first
-- names of its team, to count staff named in praise.

ALTER TABLE alerts ADD COLUMN follow_up_done_at INTEGER;
ALTER TABLE alerts ADD COLUMN follow_up_done_by INTEGER REFERENCES users (id);
CREATE INDEX alerts_follow_ups ON alerts (restaurant_id, follow_up_at) WHERE outcome = 'follow-up' AND follow_up_done_at IS NULL;

-- Comma-separated first names, as the owner typed them.
ALTER TABLE restaurants ADD COLUMN team_names TEXT NOT NULL DEFAULT '';
