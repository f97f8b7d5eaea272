package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Login throttling. Wrong passwords are counted for each account and
// address, and for each account in all. Past a few, the next try must wait,
// and the wait doubles with each failure, up to a cap: guessing is slowed to
// a crawl, but nobody is locked out of their own account by a stranger
// failing on purpose from somewhere else, since a count at one address
// slows only that address. The count for the account in all is a ceiling
// against guessing from many addresses; its wait is short (a minute at
// most), so it can delay an owner but not lock them out. A count unused for
// a day starts again.
const (
	// FreeFailures wrong passwords at one address cost nothing; the next
	// waits 2 s, then 4 s, … up to MaxAddressDelay.
	FreeFailures    = 5
	MaxAddressDelay = 15 * time.Minute
	// AccountCeiling wrong passwords for an account from anywhere start its
	// own doubling wait, up to MaxAccountDelay.
	AccountCeiling  = 100
	MaxAccountDelay = time.Minute
	failureMemory   = 24 * time.Hour
)

// throttleKeys are the counts a login attempt touches.
func throttleKeys(email, address string) (perAddress, perAccount string) {
	email = strings.ToLower(strings.TrimSpace(email))
	return "addr " + email + " " + address, "acct " + email
}

// delay is the wait after failures, past free, doubling from 2 s up to max.
func delay(failures, free int, max time.Duration) time.Duration {
	n := failures - free
	if n <= 0 {
		return 0
	}
	if n > 20 {
		return max
	}
	return min(time.Duration(1<<n)*time.Second, max)
}

// throttled says how long an attempt for email from address must still
// wait (0: none).
func (db *DB) throttled(ctx context.Context, email, address string) (time.Duration, error) {
	addrKey, acctKey := throttleKeys(email, address)
	now := db.now()
	var wait time.Duration
	err := db.each(ctx, `SELECT key, failures, last_at FROM login_failures WHERE key IN (?, ?)`, []any{addrKey, acctKey},
		func(row rowScanner) error {
			var key string
			var failures int
			var last int64
			if err := row.Scan(&key, &failures, &last); err != nil {
				return err
			}
			if now.Sub(time.UnixMilli(last)) > failureMemory {
				return nil
			}
			d := delay(failures, FreeFailures, MaxAddressDelay)
			if key == acctKey {
				d = delay(failures, AccountCeiling, MaxAccountDelay)
			}
			wait = max(wait, time.UnixMilli(last).Add(d).Sub(now))
			return nil
		})
	return wait, err
}

// waitError is the error of an attempt made before its wait was over.
func waitError(wait time.Duration) error {
	words := fmt.Sprintf("%d seconds", int((wait+time.Second-1)/time.Second))
	if wait > time.Minute {
		words = fmt.Sprintf("%d minutes", int((wait+time.Minute-1)/time.Minute))
	}
	return &Error{Code: ELocked, Message: "Too many wrong passwords. Please wait " + words + " and try again.", RetryAfter: wait}
}

// recordLoginFailure counts a wrong password for email from address. Rows
// unused for a day are pruned as it goes, so guessing at random emails does
// not grow the table for ever.
func (db *DB) recordLoginFailure(ctx context.Context, email, address string) error {
	addrKey, acctKey := throttleKeys(email, address)
	return db.update(ctx, func(tx *Tx) error {
		now, forget := tx.nowMillis(), tx.now.Add(-failureMemory).UnixMilli()
		for _, key := range []string{addrKey, acctKey} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, failures, last_at) VALUES (?, 1, ?)
				ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN login_failures.last_at < ? THEN 1 ELSE login_failures.failures + 1 END,
				last_at = excluded.last_at`,
				key, now, forget); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE last_at < ?`, forget)
		return err
	})
}

// clearLoginFailures forgets the failures of email at address, and the
// account's count, once the right password is given.
func (db *DB) clearLoginFailures(ctx context.Context, email, address string) error {
	addrKey, acctKey := throttleKeys(email, address)
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key IN (?, ?)`, addrKey, acctKey)
		return err
	})
}
