package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
	"unicode/utf8"
)

// Session lifetimes: a session unused for SessionIdle ends, and any ends
// SessionMax after it began. A floor tablet in daily use stays signed in
// for three months, then signs in again.
const (
	SessionIdle = 14 * 24 * time.Hour
	SessionMax  = 90 * 24 * time.Hour
	// sessionTouch is how stale seen_at may get before a request updates
	// it: not every request is a write.
	sessionTouch = time.Minute
)

// sessionCutoffs are the oldest seen_at and created_at, in Unix ms, of a
// session still live at now: the lifetimes above as a query compares them.
func sessionCutoffs(now time.Time) (seen, created int64) {
	return now.Add(-SessionIdle).UnixMilli(), now.Add(-SessionMax).UnixMilli()
}

// sessionLive reports whether a session seen and created at these times is
// live at now: the lifetimes above, in Go.
func sessionLive(now, created, seen time.Time) bool {
	return now.Sub(seen) <= SessionIdle && now.Sub(created) <= SessionMax
}

// Session is a signed-in browser.
type Session struct {
	ID        string // the SHA-256 of its token, hex
	UserID    int64
	CreatedAt time.Time
	SeenAt    time.Time
	UserAgent string
	Address   string
}

// tokenHash is the row id of a token handed out once (a session's, a
// password reset's, an invitation's): its SHA-256, so that a copy of the
// database (a backup) holds none that works.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// clip cuts s to at most n bytes of valid UTF-8.
func clip(s string, n int) string {
	s = truncate(s, n)
	if !utf8.ValidString(s) {
		s = string([]rune(s))
	}
	return s
}

// CreateSession starts a session for a user and returns its token, the
// cookie's only content. Sessions past their time are swept as it goes.
func (db *DB) CreateSession(ctx context.Context, userID int64, userAgent, address string) (string, Session, error) {
	token := NewToken() + NewToken() // 256 bits
	s := Session{ID: tokenHash(token), UserID: userID, UserAgent: clip(userAgent, 300), Address: clip(address, 64)}
	err := db.update(ctx, func(tx *Tx) error {
		s.CreatedAt, s.SeenAt = tx.now, tx.now
		seen, created := sessionCutoffs(tx.now)
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE seen_at < ? OR created_at < ?`, seen, created); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, created_at, seen_at, user_agent, address)
			VALUES (?, ?, ?, ?, ?, ?)`, s.ID, userID, tx.nowMillis(), tx.nowMillis(), s.UserAgent, s.Address)
		return err
	})
	return token, s, err
}

// SessionByToken finds the live session of a token, with its user, and notes
// that it was used (at most once a minute). An unknown token, or a session
// idle or old past its time, is ErrNotFound.
func (db *DB) SessionByToken(ctx context.Context, token, address string) (Session, User, error) {
	var s Session
	var u User
	var created, seen int64
	err := db.read.QueryRowContext(ctx, `SELECT s.id, s.user_id, s.created_at, s.seen_at, s.user_agent, s.address, u.email, u.name
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`, tokenHash(token)).Scan(
		&s.ID, &s.UserID, &created, &seen, &s.UserAgent, &s.Address, &u.Email, &u.Name)
	if err != nil {
		return s, u, dbError(err)
	}
	u.ID = s.UserID
	s.CreatedAt, s.SeenAt = time.UnixMilli(created), time.UnixMilli(seen)
	now := db.now()
	if !sessionLive(now, s.CreatedAt, s.SeenAt) {
		return s, u, ErrNotFound
	}
	if now.Sub(s.SeenAt) > sessionTouch {
		s.SeenAt, s.Address = now, clip(address, 64)
		if err := db.update(ctx, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET seen_at = ?, address = ? WHERE id = ?`, tx.nowMillis(), s.Address, s.ID)
			return err
		}); err != nil {
			return s, u, err
		}
	}
	return s, u, nil
}

// SessionLive reports whether a session still exists and is within its
// time: a live stream asks when access may have changed.
func (db *DB) SessionLive(ctx context.Context, id string) (bool, error) {
	var created, seen int64
	err := db.read.QueryRowContext(ctx, `SELECT created_at, seen_at FROM sessions WHERE id = ?`, id).Scan(&created, &seen)
	if err = dbError(err); errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return sessionLive(db.now(), time.UnixMilli(created), time.UnixMilli(seen)), nil
}

// Sessions lists a user's sessions, the latest used first.
func (db *DB) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	var out []Session
	now := db.now()
	err := db.each(ctx, `SELECT id, user_id, created_at, seen_at, user_agent, address FROM sessions
		WHERE user_id = ? ORDER BY seen_at DESC, id`, []any{userID}, func(row rowScanner) error {
		var s Session
		var created, seen int64
		if err := row.Scan(&s.ID, &s.UserID, &created, &seen, &s.UserAgent, &s.Address); err != nil {
			return err
		}
		s.CreatedAt, s.SeenAt = time.UnixMilli(created), time.UnixMilli(seen)
		if sessionLive(now, s.CreatedAt, s.SeenAt) {
			out = append(out, s)
		}
		return nil
	})
	return out, err
}

// EndSession ends one session (signing out).
func (db *DB) EndSession(ctx context.Context, id string) error {
	return db.endSessions(ctx, `DELETE FROM sessions WHERE id = ? RETURNING user_id`, id)
}

// EndOtherSessions ends every session of a user but keep ("sign out
// everywhere else"; a password change).
func (db *DB) EndOtherSessions(ctx context.Context, userID int64, keep string) error {
	return db.endSessions(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ? RETURNING user_id`, userID, keep)
}

// endSessions deletes sessions and tells the live streams of the users'
// restaurants to check that they may still listen. The phones subscribed
// in those sessions go with them (ON DELETE CASCADE), and so do the user's
// subscriptions from before they were tied to sessions, which may have been
// any of them.
func (db *DB) endSessions(ctx context.Context, query string, args ...any) error {
	var users []int64
	err := db.update(ctx, func(tx *Tx) error {
		users = users[:0]
		if err := tx.each(ctx, query, args, func(row rowScanner) error {
			var u int64
			err := row.Scan(&u)
			users = append(users, u)
			return err
		}); err != nil || len(users) == 0 {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE user_id = ? AND session_id IS NULL`, users[0])
		return err
	})
	if err != nil || len(users) == 0 {
		return err
	}
	return db.accessChangedFor(ctx, users[0])
}

// AccessGeneration changes whenever someone may have lost access: a session
// ended, a member of staff removed. A live stream that saw another
// generation checks again that its viewer may still see it.
func (db *DB) AccessGeneration() int64 { return db.accessGen.Load() }

// accessChanged moves the generation on and wakes the live streams of the
// restaurants, so that they check at once, not at their next event.
func (db *DB) accessChanged(restaurantIDs ...int64) {
	db.accessGen.Add(1)
	notices := make([]Notice, len(restaurantIDs))
	for i, id := range restaurantIDs {
		notices[i] = Notice{RestaurantID: id}
	}
	db.publisher.Publish(notices...)
	if db.pg != nil && len(notices) > 0 { // and the other instances
		db.write.ExecContext(context.Background(), `SELECT pg_notify(?, ?)`, eventsChannel, noticePayload(notices))
	}
}

// accessChangedFor is accessChanged for every restaurant a user works at.
func (db *DB) accessChangedFor(ctx context.Context, userID int64) error {
	var ids []int64
	err := db.each(ctx, `SELECT restaurant_id FROM memberships WHERE user_id = ?`, []any{userID}, func(row rowScanner) error {
		var id int64
		err := row.Scan(&id)
		ids = append(ids, id)
		return err
	})
	db.accessChanged(ids...)
	return err
}
