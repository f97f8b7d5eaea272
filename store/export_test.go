package store

import "context"

// DemoFingerprint summarises a restaurant's history as counts: responses, those
// rated 1–2, those made at the table, and the sum of ratings.
func (db *DB) DemoFingerprint(ctx context.Context, restaurantID int64) ([4]int, error) {
	var fp [4]int
	err := db.read.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE rating <= 2),
		count(*) FILTER (WHERE at_table = 1), coalesce(sum(rating), 0) FROM responses WHERE restaurant_id = ?`,
		restaurantID).Scan(&fp[0], &fp[1], &fp[2], &fp[3])
	return fp, err
}
