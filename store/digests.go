package store

import "context"

// Owner is a user who owns restaurants, with those restaurants by name.
type Owner struct {
	User        User
	Restaurants []Restaurant
}

// Owners lists every owner and the restaurants each owns: who gets a weekly
// digest, and of what.
func (db *DB) Owners(ctx context.Context) ([]Owner, error) {
	var owners []Owner
	err := db.each(ctx, `SELECT u.id, u.email, u.name, `+prefixed("r.", restaurantColumns)+`
		FROM memberships m JOIN users u ON u.id = m.user_id JOIN restaurants r ON r.id = m.restaurant_id
		WHERE m.role = 'owner' ORDER BY u.id, r.name, r.id`, nil, func(row rowScanner) error {
		var u User
		var r Restaurant
		if err := db.scanRestaurantAfter(row, &r, &u.ID, &u.Email, &u.Name); err != nil {
			return err
		}
		if n := len(owners); n > 0 && owners[n-1].User.ID == u.ID {
			owners[n-1].Restaurants = append(owners[n-1].Restaurants, r)
		} else {
			owners = append(owners, Owner{User: u, Restaurants: []Restaurant{r}})
		}
		return nil
	})
	return owners, err
}

// ClaimDigest records that the digest of a week is being sent to a user, and
// reports false if it was already: so each owner gets each week once, across
// restarts and several processes.
func (db *DB) ClaimDigest(ctx context.Context, userID int64, week string) (claimed bool, err error) {
	err = db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO digests (user_id, week, sent_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id, week) DO NOTHING`, userID, week, tx.nowMillis())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// ReleaseDigest forgets a claim whose sending failed, so that it is tried
// again.
func (db *DB) ReleaseDigest(ctx context.Context, userID int64, week string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM digests WHERE user_id = ? AND week = ?`, userID, week)
	return dbError(err)
}

// DigestSent says whether the digest of a week was sent to a user.
func (db *DB) DigestSent(ctx context.Context, userID int64, week string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM digests WHERE user_id = ? AND week = ?`, userID, week).Scan(&n)
	return n > 0, dbError(err)
}
