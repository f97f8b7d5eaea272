package store

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"strings"
	"time"
)

// VAPIDKeys are the server's key pair for Web Push (RFC 8292), generated on
// the first start and kept with the data, like the session key: a restored
// backup keeps every phone's subscription working. Both are base64url
// without padding: the private key is the P-256 scalar, the public key the
// uncompressed point (65 bytes) that browsers take as applicationServerKey.
type VAPIDKeys struct {
	Private, Public string
}

// VAPIDKeys returns the server's VAPID key pair.
func (db *DB) VAPIDKeys(ctx context.Context) (VAPIDKeys, error) {
	raw, err := db.Secret(ctx, "vapid-p256", 32)
	if err != nil {
		return VAPIDKeys{}, err
	}
	key, err := ecdh.P256().NewPrivateKey(raw)
	if err != nil { // one scalar in 2^32 is out of range
		return VAPIDKeys{}, err
	}
	enc := base64.RawURLEncoding.EncodeToString
	return VAPIDKeys{Private: enc(raw), Public: enc(key.PublicKey().Bytes())}, nil
}

// PushSubscription is a browser's Web Push subscription (RFC 8030): where to
// post, and its keys for the payload's encryption (RFC 8291), on behalf of
// one user of one restaurant.
type PushSubscription struct {
	ID           int64
	UserID       int64
	RestaurantID int64
	// SessionID is the sign-in that made it, which it ends with ("" for
	// one made before subscriptions were tied to sessions).
	SessionID string
	Endpoint  string
	P256dh    string // the browser's P-256 public key, base64url
	Auth      string // its 16-byte authentication secret, base64url
}

// Check refuses a subscription that no browser would make: an endpoint that
// is not an absolute URL, or keys of the wrong size. Where the endpoint may
// point is the notifier's rule (it refuses private addresses).
func (s PushSubscription) Check() error {
	bad := Errorf(EInvalid, "That is not a push subscription: it needs an https endpoint and keys.p256dh and keys.auth from the browser.")
	if len(s.Endpoint) > 2048 || !(strings.HasPrefix(s.Endpoint, "https://") || strings.HasPrefix(s.Endpoint, "http://")) {
		return bad
	}
	if k, err := decodeKey(s.P256dh); err != nil || len(k) != 65 || k[0] != 4 {
		return bad
	} else if _, err := ecdh.P256().NewPublicKey(k); err != nil {
		return bad // not a point on the curve: nothing could be encrypted to it
	}
	if a, err := decodeKey(s.Auth); err != nil || len(a) != 16 {
		return bad
	}
	return nil
}

// decodeKey reads base64url, padded or not, as browsers write it.
func decodeKey(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// SavePushSubscription records that a user's browser, signed in as the
// session s.SessionID, wants pushes for a restaurant; saving the same
// endpoint again updates its keys, owner and session.
func (db *DB) SavePushSubscription(ctx context.Context, s PushSubscription) (PushSubscription, error) {
	if err := s.Check(); err != nil {
		return s, err
	}
	err := db.update(ctx, func(tx *Tx) error {
		if staff, err := isStaff(ctx, tx, s.UserID, s.RestaurantID); err != nil {
			return err
		} else if !staff {
			return ErrNotFound
		}
		return tx.QueryRowContext(ctx, `INSERT INTO push_subscriptions (user_id, restaurant_id, endpoint, p256dh, auth, created_at, session_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (endpoint, restaurant_id) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth,
				session_id = excluded.session_id
			RETURNING id`, s.UserID, s.RestaurantID, s.Endpoint, s.P256dh, s.Auth, tx.nowMillis(), nullIfEmpty(s.SessionID)).Scan(&s.ID)
	})
	return s, err
}

// liveSubscription is the condition that a push subscription (s) belongs
// to a session still within its time (or to none, made before they were
// tied to sessions), with db.liveArgs: a session idle or old past its time
// is over even before it is swept away.
const liveSubscription = `(s.session_id IS NULL OR EXISTS (SELECT 1 FROM sessions se
	WHERE se.id = s.session_id AND se.seen_at >= ? AND se.created_at >= ?))`

func (db *DB) liveArgs() []any {
	seen, created := sessionCutoffs(db.now())
	return []any{seen, created}
}

// Device is a phone or browser a person has told to notify them, for one
// restaurant, as their account page lists it.
type Device struct {
	ID         int64
	Restaurant string
	Endpoint   string
	CreatedAt  time.Time
	// UserAgent is of the sign-in that subscribed it, SessionID ("" for
	// one from before subscriptions were tied to sign-ins).
	UserAgent string
	SessionID string
}

// Devices lists the push subscriptions of a user that are still live, the
// newest first.
func (db *DB) Devices(ctx context.Context, userID int64) ([]Device, error) {
	var out []Device
	err := db.each(ctx, `SELECT s.id, r.name, s.endpoint, s.created_at, coalesce(se.user_agent, ''), coalesce(s.session_id, '')
		FROM push_subscriptions s JOIN restaurants r ON r.id = s.restaurant_id LEFT JOIN sessions se ON se.id = s.session_id
		WHERE s.user_id = ? AND `+liveSubscription+` ORDER BY s.created_at DESC, s.id DESC`, append([]any{userID}, db.liveArgs()...),
		func(row rowScanner) error {
			var d Device
			var created int64
			if err := row.Scan(&d.ID, &d.Restaurant, &d.Endpoint, &created, &d.UserAgent, &d.SessionID); err != nil {
				return err
			}
			d.CreatedAt = millis(created)
			out = append(out, d)
			return nil
		})
	return out, err
}

// RemoveDevice forgets one of a user's push subscriptions (another user's
// is not found), and the pushes still waiting for it.
func (db *DB) RemoveDevice(ctx context.Context, userID, id int64) error {
	return db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = ? AND user_id = ?`, id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return forgetPushes(ctx, tx, id)
	})
}

// forgetPushes gives up the pushes still waiting for a subscription that is
// gone.
func forgetPushes(ctx context.Context, tx *Tx, subscriptionID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'gone', done_at = ?
		WHERE channel = 'push' AND target_id = ? AND status = 'pending'`, tx.nowMillis(), subscriptionID)
	return err
}

// RemovePushSubscription forgets a user's subscription of an endpoint, for
// one restaurant (or all, with restaurantID 0); another user's is not
// touched.
func (db *DB) RemovePushSubscription(ctx context.Context, userID, restaurantID int64, endpoint string) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?
			AND (? = 0 OR restaurant_id = ?)`, userID, endpoint, restaurantID, restaurantID)
		return err
	})
}

// ForgetPushSubscription deletes a subscription the push service says is gone
// (404 or 410), and the pushes still waiting for it.
func (db *DB) ForgetPushSubscription(ctx context.Context, id int64) error {
	return db.update(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE id = ?`, id); err != nil {
			return err
		}
		return forgetPushes(ctx, tx, id)
	})
}

// PushSubscriptions lists a user's subscriptions for a restaurant.
func (db *DB) PushSubscriptions(ctx context.Context, userID, restaurantID int64) ([]PushSubscription, error) {
	var subs []PushSubscription
	err := db.each(ctx, `SELECT id, user_id, restaurant_id, endpoint, p256dh, auth FROM push_subscriptions
		WHERE user_id = ? AND restaurant_id = ? ORDER BY id`, []any{userID, restaurantID}, func(row rowScanner) error {
		var s PushSubscription
		err := row.Scan(&s.ID, &s.UserID, &s.RestaurantID, &s.Endpoint, &s.P256dh, &s.Auth)
		subs = append(subs, s)
		return err
	})
	return subs, err
}

// PushSubscriptionByID finds a subscription, for the notifier to send to.
func (db *DB) PushSubscriptionByID(ctx context.Context, id int64) (PushSubscription, error) {
	var s PushSubscription
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, restaurant_id, endpoint, p256dh, auth FROM push_subscriptions
		WHERE id = ?`, id).Scan(&s.ID, &s.UserID, &s.RestaurantID, &s.Endpoint, &s.P256dh, &s.Auth)
	return s, dbError(err)
}
