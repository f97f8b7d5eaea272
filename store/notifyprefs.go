package store

import (
	"context"
	"database/sql"
	"time"
)

// NotifyLevel is what a person wants pushed to their phone about a
// restaurant.
type NotifyLevel string

// The levels, from the most to nothing.
const (
	NotifyAll       NotifyLevel = "all"       // every alert as it is raised, and escalations
	NotifyUrgent    NotifyLevel = "urgent"    // urgent alerts as they are raised, and escalations
	NotifyEscalated NotifyLevel = "escalated" // only alerts nobody took in time
	NotifyOff       NotifyLevel = "off"
)

// NotifyPrefs are one person's wishes for one restaurant. Quiet hours are
// minutes after local midnight (QuietFrom = QuietTo: none); they may wrap
// past midnight (22:00 to 10:00).
type NotifyPrefs struct {
	Level              NotifyLevel
	QuietFrom, QuietTo int
}

// DefaultNotifyPrefs are a role's wishes until they say otherwise: managers
// run the floor and hear of every alert; owners hear of those nobody took.
func DefaultNotifyPrefs(role Role) NotifyPrefs {
	if role == RoleOwner {
		return NotifyPrefs{Level: NotifyEscalated}
	}
	return NotifyPrefs{Level: NotifyAll}
}

// Quiet reports whether local (in the restaurant's zone) falls in the quiet
// hours.
func (p NotifyPrefs) Quiet(local time.Time) bool {
	if p.QuietFrom == p.QuietTo {
		return false
	}
	m := local.Hour()*60 + local.Minute()
	if p.QuietFrom < p.QuietTo {
		return m >= p.QuietFrom && m < p.QuietTo
	}
	return m >= p.QuietFrom || m < p.QuietTo // across midnight
}

// Wants says whether a person of role with these wishes is pushed an event
// (kind, and step for an escalation) about an alert, urgent or not, at local
// time. Each escalation step reaches its rung's audience (EscalationRung).
// Only raised alerts and escalations are pushed.
func (p NotifyPrefs) Wants(role Role, kind EventKind, step int, urgent bool, local time.Time) bool {
	if p.Level == NotifyOff || p.Quiet(local) {
		return false
	}
	raised := p.Level == NotifyAll || (p.Level == NotifyUrgent && urgent)
	switch kind {
	case EventRaised:
		return raised
	case EventEscalated:
	default:
		return false
	}
	switch EscalationRung(step).Audience {
	case AudienceEveryone:
		return true
	case AudienceOwners:
		return role == RoleOwner
	}
	return role == RoleManager || raised // whoever runs the floor, and who asked to hear of it first
}

// NotifyPrefsOf returns a person's wishes for a restaurant: theirs, or their
// role's default. Someone not on its staff is not found.
func (db *DB) NotifyPrefsOf(ctx context.Context, userID, restaurantID int64) (NotifyPrefs, error) {
	var role Role
	var level sql.NullString
	var from, to sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT m.role, p.level, p.quiet_from, p.quiet_to FROM memberships m
		LEFT JOIN notify_prefs p ON p.user_id = m.user_id AND p.restaurant_id = m.restaurant_id
		WHERE m.user_id = ? AND m.restaurant_id = ?`, userID, restaurantID).Scan(&role, &level, &from, &to)
	if err != nil {
		return NotifyPrefs{}, dbError(err)
	}
	return prefsOf(role, level, from, to), nil
}

func prefsOf(role Role, level sql.NullString, from, to sql.NullInt64) NotifyPrefs {
	if !level.Valid {
		return DefaultNotifyPrefs(role)
	}
	p := NotifyPrefs{Level: NotifyLevel(level.String)}
	if from.Valid && to.Valid {
		p.QuietFrom, p.QuietTo = int(from.Int64), int(to.Int64)
	}
	return p
}

// SetNotifyPrefs saves a person's wishes for a restaurant they work in.
func (db *DB) SetNotifyPrefs(ctx context.Context, userID, restaurantID int64, p NotifyPrefs) error {
	switch p.Level {
	case NotifyAll, NotifyUrgent, NotifyEscalated, NotifyOff:
	default:
		return Errorf(EInvalid, "Choose what to be told about.")
	}
	if p.QuietFrom < 0 || p.QuietFrom >= 1440 || p.QuietTo < 0 || p.QuietTo >= 1440 {
		return Errorf(EInvalid, "Quiet hours are times of day, like 22:00 to 10:00.")
	}
	var from, to any
	if p.QuietFrom != p.QuietTo {
		from, to = p.QuietFrom, p.QuietTo
	}
	return db.update(ctx, func(tx *Tx) error {
		if staff, err := isStaff(ctx, tx, userID, restaurantID); err != nil {
			return err
		} else if !staff {
			return ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO notify_prefs (user_id, restaurant_id, level, quiet_from, quiet_to)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, restaurant_id) DO UPDATE SET
			level = excluded.level, quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to`,
			userID, restaurantID, p.Level, from, to)
		return err
	})
}

// PushRecipient is a subscription with who holds it and what they want.
type PushRecipient struct {
	Sub   PushSubscription
	Role  Role
	Prefs NotifyPrefs
}

// PushRecipients lists the subscriptions of a restaurant's staff, with their
// roles and wishes: those of someone no longer on its staff are left out.
func (db *DB) PushRecipients(ctx context.Context, restaurantID int64) ([]PushRecipient, error) {
	var out []PushRecipient
	err := db.each(ctx, `SELECT s.id, s.user_id, s.restaurant_id, s.endpoint, s.p256dh, s.auth, m.role, p.level, p.quiet_from, p.quiet_to
		FROM push_subscriptions s JOIN memberships m ON m.user_id = s.user_id AND m.restaurant_id = s.restaurant_id
		LEFT JOIN notify_prefs p ON p.user_id = s.user_id AND p.restaurant_id = s.restaurant_id
		WHERE s.restaurant_id = ? AND `+liveSubscription+` ORDER BY s.id`, append([]any{restaurantID}, db.liveArgs()...), func(row rowScanner) error {
		var r PushRecipient
		var level sql.NullString
		var from, to sql.NullInt64
		err := row.Scan(&r.Sub.ID, &r.Sub.UserID, &r.Sub.RestaurantID, &r.Sub.Endpoint, &r.Sub.P256dh, &r.Sub.Auth,
			&r.Role, &level, &from, &to)
		r.Prefs = prefsOf(r.Role, level, from, to)
		out = append(out, r)
		return err
	})
	return out, err
}

// OwnersWithoutPush lists a restaurant's owners who have no phone subscribed
// for it: the escalation emails them instead.
func (db *DB) OwnersWithoutPush(ctx context.Context, restaurantID int64) ([]User, error) {
	var out []User
	err := db.each(ctx, `SELECT u.id, u.email, coalesce(nullif(m.name, ''), u.name) FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.restaurant_id = ? AND m.role = 'owner'
		AND NOT EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = m.user_id AND s.restaurant_id = m.restaurant_id
			AND `+liveSubscription+`)
		ORDER BY u.id`, append([]any{restaurantID}, db.liveArgs()...), func(row rowScanner) error {
		var u User
		err := row.Scan(&u.ID, &u.Email, &u.Name)
		out = append(out, u)
		return err
	})
	return out, err
}
