package store

import (
	"context"
	"errors"
	"time"
)

// The login lockout: MaxLoginFailures wrong passwords for one address within
// LoginWindow lock it for LockoutFor.
const (
	MaxLoginFailures = 5
	LoginWindow      = 15 * time.Minute
	LockoutFor       = 15 * time.Minute
)

func (db *DB) checkLockout(ctx context.Context, email string) error {
	var until int64
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(locked_until, 0) FROM login_failures WHERE email = ?`, email).Scan(&until)
	if err = dbError(err); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if left := time.UnixMilli(until).Sub(db.now()); left > 0 {
		return Errorf(ELocked, "Too many wrong passwords for this account. Try again in %d minutes.",
			int(left.Round(time.Minute)/time.Minute)+1)
	}
	return nil
}

// recordLoginFailure counts a wrong password for email, locking it at the
// limit; a count older than the window starts again. Old rows are pruned as it
// goes, so guessing at random addresses does not grow the table for ever.
func (db *DB) recordLoginFailure(ctx context.Context, email string) error {
	return db.update(ctx, func(tx *Tx) error {
		now := tx.nowMillis()
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (email, failures, first_at) VALUES (?, 1, ?)
			ON CONFLICT (email) DO UPDATE SET
				failures     = CASE WHEN first_at < ?2 - ?3 THEN 1 ELSE failures + 1 END,
				first_at     = CASE WHEN first_at < ?2 - ?3 THEN ?2 ELSE first_at END,
				locked_until = CASE WHEN first_at >= ?2 - ?3 AND failures + 1 >= ?4 THEN ?2 + ?5 ELSE locked_until END`,
			email, now, LoginWindow.Milliseconds(), MaxLoginFailures, LockoutFor.Milliseconds())
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM login_failures WHERE first_at < ? AND coalesce(locked_until, 0) < ?`,
			now-LoginWindow.Milliseconds(), now)
		return err
	})
}

func (db *DB) clearLoginFailures(ctx context.Context, email string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM login_failures WHERE email = ?`, email)
	return dbError(err)
}
