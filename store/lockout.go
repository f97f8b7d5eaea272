package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Login throttling. Wrong passwords are counted for each account and
// address, and for each account in all. Past a few, the next try must wait,
// and the wait doubles with each failure, up to a cap: guessing is slowed to
// a crawl. A count unused for a day starts again.
//
// Nobody can turn this on an account's owner (OWASP's "device cookie"
// pattern): a browser that has signed in to the account before carries a
// device token for it (DeviceToken), and an attempt with one is judged on
// that browser's own failures alone. The counts by address and for the
// account in all slow only browsers the account has never been used in, so
// a stranger failing on purpose from many addresses delays other strangers,
// never the owner at their own tablet or laptop.
const (
	// FreeFailures wrong passwords at one address, or in one known
	// browser, cost nothing; the next waits 2 s, then 4 s, … up to
	// MaxAddressDelay.
	FreeFailures    = 5
	MaxAddressDelay = 15 * time.Minute
	// AccountCeiling wrong passwords for an account from unknown browsers
	// anywhere start a doubling wait for unknown browsers, up to
	// MaxAccountDelay.
	AccountCeiling  = 100
	MaxAccountDelay = time.Minute
	failureMemory   = 24 * time.Hour
)

// DeviceToken is a new device token for email: what a browser that has
// just signed in keeps (in a cookie), so that its next attempts are judged
// on its own failures. It is a random nonce signed with the server's secret
// for that account; nothing is stored until it fails.
func (db *DB) DeviceToken(email string) string {
	nonce := make([]byte, 16)
	rand.Read(nonce)
	n := base64.RawURLEncoding.EncodeToString(nonce)
	return n + "." + db.deviceMAC(email, n)
}

func (db *DB) deviceMAC(email, nonce string) string {
	mac := hmac.New(sha256.New, db.receiptKey)
	fmt.Fprintf(mac, "device:%s:%s", strings.ToLower(strings.TrimSpace(email)), nonce)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// KnownDevice returns the one of tokens that is a device token for email,
// or "".
func (db *DB) KnownDevice(email string, tokens []string) string {
	for _, t := range tokens {
		nonce, mac, ok := strings.Cut(t, ".")
		if ok && nonce != "" && hmac.Equal([]byte(mac), []byte(db.deviceMAC(email, nonce))) {
			return t
		}
	}
	return ""
}

// sessionKey is the count of wrong current passwords in one session (a
// password change): a stolen session cannot guess its way to the account.
func sessionKey(sessionID string) []string { return []string{"sess " + sessionID} }

// throttleKeys are the counts a login attempt touches: in a known browser
// (device, a token of KnownDevice's), its own; else the address's for the
// account and the account's for unknown browsers.
func throttleKeys(email, address, device string) []string {
	if device != "" {
		nonce, _, _ := strings.Cut(device, ".")
		return []string{"dev " + nonce}
	}
	email = strings.ToLower(strings.TrimSpace(email))
	return []string{"addr " + email + " " + address, "acct " + email}
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

// throttled says how long an attempt with these keys must still wait (0:
// none).
func (db *DB) throttled(ctx context.Context, keys []string) (time.Duration, error) {
	now := db.now()
	var wait time.Duration
	for _, key := range keys {
		var failures int
		var last int64
		err := db.read.QueryRowContext(ctx, `SELECT failures, last_at FROM login_failures WHERE key = ?`, key).Scan(&failures, &last)
		if errors.Is(err, sql.ErrNoRows) || err == nil && now.Sub(time.UnixMilli(last)) > failureMemory {
			continue
		}
		if err != nil {
			return 0, dbError(err)
		}
		d := delay(failures, FreeFailures, MaxAddressDelay)
		if strings.HasPrefix(key, "acct ") {
			d = delay(failures, AccountCeiling, MaxAccountDelay)
		}
		wait = max(wait, time.UnixMilli(last).Add(d).Sub(now))
	}
	return wait, nil
}

// waitError is the error of an attempt made before its wait was over.
func waitError(wait time.Duration) error {
	words := fmt.Sprintf("%d seconds", int((wait+time.Second-1)/time.Second))
	if wait > time.Minute {
		words = fmt.Sprintf("%d minutes", int((wait+time.Minute-1)/time.Minute))
	}
	return &Error{Code: ELocked, Message: "Too many wrong passwords. Please wait " + words + " and try again.", RetryAfter: wait}
}

// recordLoginFailure counts a wrong password against keys. Rows unused for
// a day are pruned as it goes, so guessing at random emails does not grow
// the table for ever.
func (db *DB) recordLoginFailure(ctx context.Context, keys []string) error {
	return db.update(ctx, func(tx *Tx) error {
		now, forget := tx.nowMillis(), tx.now.Add(-failureMemory).UnixMilli()
		for _, key := range keys {
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

// clearLoginFailures forgets the failures counted against keys, once the
// right password is given.
func (db *DB) clearLoginFailures(ctx context.Context, keys ...string) error {
	return db.update(ctx, func(tx *Tx) error {
		for _, key := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = ?`, key); err != nil {
				return err
			}
		}
		return nil
	})
}
