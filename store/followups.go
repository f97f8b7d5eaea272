package store

import "context"

// FollowUps lists a restaurant's follow-ups promised to guests and not yet
// marked done, soonest first.
func (db *DB) FollowUps(ctx context.Context, restaurantID int64) ([]Alert, error) {
	return db.queryAlerts(ctx, `WHERE a.restaurant_id = ? AND a.outcome = 'follow-up' AND a.follow_up_done_at IS NULL
		ORDER BY a.follow_up_at, a.id`, restaurantID)
}

// CompleteFollowUp marks a follow-up done. Marking it twice changes nothing;
// an alert that is not a follow-up of the restaurant is not found.
func (db *DB) CompleteFollowUp(ctx context.Context, restaurantID, alertID, userID int64) error {
	return db.update(ctx, func(tx *Tx) error {
		var id int64
		return tx.QueryRowContext(ctx, `UPDATE alerts SET follow_up_done_at = coalesce(follow_up_done_at, ?),
			follow_up_done_by = coalesce(follow_up_done_by, ?)
			WHERE id = ? AND restaurant_id = ? AND outcome = 'follow-up' RETURNING id`,
			tx.nowMillis(), userID, alertID, restaurantID).Scan(&id)
	})
}
