package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Delivery channels: where a notification goes.
const (
	ChannelPush    = "push"    // a staff member's phone (TargetID: push_subscriptions.id)
	ChannelWebhook = "webhook" // another tool (TargetID: webhooks.id)
	ChannelEmail   = "email"   // an owner with no phone subscribed (TargetID: users.id)
)

// Delivery states. A delivery is pending until it is sent, given up on
// (failed) or its target is gone (a push subscription the service forgot).
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
	DeliveryGone    = "gone"
)

// Delivery is one notification in the outbox: sent at least once, with the
// same MessageID (a webhook's webhook-id) on every attempt.
type Delivery struct {
	ID           int64
	Channel      string
	TargetID     int64
	RestaurantID int64
	EventID      int64 // 0 for a test delivery
	MessageID    string
	Payload      string
	Urgent       bool
	CreatedAt    time.Time
	Attempts     int
	NextAt       time.Time
	Status       string
	LastCode     int // the receiver's HTTP status, 0 if none
	LastError    string
	DoneAt       time.Time
}

// EmailMessage is an email delivery's payload: a plain-text body, and an
// HTML one as well if HTML is set.
type EmailMessage struct {
	ToName  string `json:"to_name"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
}

// QueueEmail puts an email in the outbox, for the notifier to send (and
// retry): to a user (userID, or 0 for an address with no account yet), of a
// restaurant or none (0).
func (db *DB) QueueEmail(ctx context.Context, restaurantID, userID int64, m EmailMessage) error {
	payload, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return db.Enqueue(ctx, []Delivery{{Channel: ChannelEmail, TargetID: userID, RestaurantID: restaurantID,
		MessageID: "msg_mail_" + NewToken(), Payload: string(payload), Urgent: true}})
}

// Enqueue puts deliveries in the outbox (a message already planned is
// left as it is).
func (db *DB) Enqueue(ctx context.Context, ds []Delivery) error {
	return db.update(ctx, func(tx *Tx) error { return tx.enqueue(ctx, ds) })
}

// PlanEvents is how a background reader of the whole event log (the
// notifier, by name) turns events into deliveries, once, across instances.
// It reads the events after name's cursor of each restaurant (at most
// limit, oldest first) and hands them to plan, outside any transaction, so
// that planning never holds up a writer; then, in one transaction, it
// reads the cursors again under a lock on name's row, and puts in the
// outbox only the deliveries of events still past them, moving each
// restaurant's cursor past its events. Of instances planning at once, one
// plans each event; and a message planned twice is one row anyway.
// A restaurant's cursor is enough because its events are committed in
// their order (lockRestaurant); events of different restaurants may commit
// out of order, which one cursor for all would miss.
func (db *DB) PlanEvents(ctx context.Context, name string, limit int, plan func([]Event) ([]Delivery, error)) (int, error) {
	var from int64 // where a restaurant with no cursor of its own starts
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(value), 0) FROM cursors WHERE name = ?`, name).Scan(&from); err != nil {
		return 0, dbError(err)
	}
	// Restaurant by restaurant, each one's events after its cursor from the
	// index on (restaurant_id, id), never a scan of the whole log: SQLite's
	// CROSS JOIN keeps restaurants the outer loop, PostgreSQL's LATERAL does.
	after := `FROM restaurants rs0 CROSS JOIN events e ON e.restaurant_id = rs0.id
		AND e.id > coalesce((SELECT c.value FROM cursors c WHERE c.name = ? || ':' || rs0.id), ?)`
	args := []any{name, from, limit}
	if db.pg != nil {
		after = `FROM restaurants rs0 JOIN LATERAL (SELECT * FROM events e WHERE e.restaurant_id = rs0.id
			AND e.id > coalesce((SELECT c.value FROM cursors c WHERE c.name = ? || ':' || rs0.id), ?) ORDER BY e.id LIMIT ?) e ON TRUE`
		args = []any{name, from, limit, limit}
	}
	rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.prev_id, e.kind, e.step, e.created_at, `+alertFields+`
		`+after+` JOIN alerts a ON a.id = e.alert_id`+alertJoins+`
		ORDER BY e.id LIMIT ?`, args...)
	if err != nil {
		return 0, dbError(err)
	}
	evs, err := scanEvents(rows)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	ds, err := plan(evs)
	if err != nil {
		return 0, err
	}
	last := map[int64]int64{} // each restaurant's last event planned
	for _, e := range evs {
		last[e.RestaurantID] = max(last[e.RestaurantID], e.ID)
	}
	planned := 0
	err = db.update(ctx, func(tx *Tx) error {
		planned = 0
		if _, err := tx.ExecContext(ctx, `INSERT INTO cursors (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, from); err != nil {
			return err
		}
		lock := `SELECT value FROM cursors WHERE name = ?`
		if tx.pg {
			lock += ` FOR UPDATE`
		}
		var start int64
		if err := tx.QueryRowContext(ctx, lock, name).Scan(&start); err != nil {
			return err
		}
		now := map[int64]int64{} // the cursors as they stand, under the lock
		for rid := range last {
			cursor := start
			err := tx.QueryRowContext(ctx, `SELECT value FROM cursors WHERE name = ?`, restaurantCursor(name, rid)).Scan(&cursor)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			now[rid] = cursor
		}
		var fresh []Delivery
		for _, d := range ds {
			if d.EventID > now[d.RestaurantID] {
				fresh = append(fresh, d)
			}
		}
		if err := tx.enqueue(ctx, fresh); err != nil {
			return err
		}
		for rid, id := range last {
			if id <= now[rid] {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO cursors (name, value) VALUES (?, ?)
				ON CONFLICT (name) DO UPDATE SET value = CASE WHEN excluded.value > cursors.value THEN excluded.value ELSE cursors.value END`,
				restaurantCursor(name, rid), id); err != nil {
				return err
			}
		}
		planned = len(fresh)
		return nil
	})
	return planned, err
}

// restaurantCursor names a restaurant's cursor of a reader of the event
// log (PlanEvents' query builds the same name as name || ':' || id).
func restaurantCursor(name string, restaurantID int64) string {
	return fmt.Sprintf("%s:%d", name, restaurantID)
}

// enqueue puts deliveries in the outbox, due now unless NextAt says later.
func (tx *Tx) enqueue(ctx context.Context, ds []Delivery) error {
	for _, d := range ds {
		next := d.NextAt
		if next.IsZero() {
			next = tx.now
		}
		// A message is planned once, whichever instance plans it first.
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (channel, target_id, restaurant_id, event_id, message_id,
			payload, urgent, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`, d.Channel, d.TargetID,
			nullIfZero(d.RestaurantID), nullIfZero(d.EventID), d.MessageID, d.Payload, d.Urgent, tx.nowMillis(), next.UnixMilli()); err != nil {
			return err
		}
	}
	return nil
}

const deliveryColumns = `id, channel, target_id, coalesce(restaurant_id, 0), coalesce(event_id, 0), message_id, payload, urgent,
	created_at, attempts, next_at, status, last_code, last_error, coalesce(done_at, 0)`

func scanDelivery(row rowScanner) (Delivery, error) {
	var d Delivery
	var created, next, done int64
	err := row.Scan(&d.ID, &d.Channel, &d.TargetID, &d.RestaurantID, &d.EventID, &d.MessageID, &d.Payload, &d.Urgent,
		&created, &d.Attempts, &next, &d.Status, &d.LastCode, &d.LastError, &done)
	d.CreatedAt, d.NextAt, d.DoneAt = millis(created), millis(next), millis(done)
	return d, err
}

// Target is where deliveries go: a channel and the ID of a subscription,
// webhook or user.
type Target struct {
	Channel string
	ID      int64
}

// ClaimDeliveries takes up to limit pending deliveries due at now, counting
// an attempt for each and putting them off by lease: a process that dies
// while sending leaves them to be tried again once the lease is over. With
// perTarget > 0 it takes no more for a target than perTarget less those
// already being sent to it (busy), so that a receiver that hangs holds up
// only its own deliveries, never the others'.
func (db *DB) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit, perTarget int, busy map[Target]int) ([]Delivery, error) {
	var ds []Delivery
	err := db.update(ctx, func(tx *Tx) error {
		cap := perTarget
		if cap <= 0 {
			cap = limit
		}
		// Each target's due deliveries, in order, numbered: at most cap of
		// each are candidates.
		rows, err := tx.QueryContext(ctx, `SELECT id, channel, target_id, n FROM (
				SELECT id, channel, target_id, next_at, row_number() OVER (PARTITION BY channel, target_id ORDER BY next_at, id) AS n
				FROM outbox WHERE status = 'pending' AND next_at <= ?) due
			WHERE n <= ? ORDER BY next_at, id`, now.UnixMilli(), cap)
		if err != nil {
			return err
		}
		var ids []any
		for rows.Next() && len(ids) < limit {
			var id int64
			var t Target
			var n int
			if err := rows.Scan(&id, &t.Channel, &t.ID, &n); err != nil {
				rows.Close()
				return err
			}
			if perTarget <= 0 || n+busy[t] <= perTarget {
				ids = append(ids, id)
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		// Claimed once: rows another instance is claiming are passed over,
		// and the update is conditional on the row being still due.
		in := `(?` + strings.Repeat(", ?", len(ids)-1) + `)`
		if tx.pg {
			var mine []any
			if err := tx.each(ctx, `SELECT id FROM outbox WHERE id IN `+in+` AND status = 'pending' AND next_at <= ?`+tx.skipLocked(),
				append(ids, now.UnixMilli()), func(row rowScanner) error {
					var id int64
					err := row.Scan(&id)
					mine = append(mine, id)
					return err
				}); err != nil || len(mine) == 0 {
				return err
			}
			ids, in = mine, `(?`+strings.Repeat(", ?", len(mine)-1)+`)`
		}
		return tx.each(ctx, `UPDATE outbox SET attempts = attempts + 1, next_at = ?
			WHERE id IN `+in+` AND status = 'pending' AND next_at <= ? RETURNING `+deliveryColumns,
			append(append([]any{now.Add(lease).UnixMilli()}, ids...), now.UnixMilli()), func(row rowScanner) error {
				d, err := scanDelivery(row)
				if err != nil {
					return err
				}
				ds = append(ds, d)
				return nil
			})
	})
	slices.SortFunc(ds, func(a, b Delivery) int { return cmp.Compare(a.ID, b.ID) })
	return ds, err
}

// OutboxPending is how many deliveries wait to be sent, and when the oldest
// of them was made (zero: none), for an operator's metrics.
func (db *DB) OutboxPending(ctx context.Context) (int, time.Time, error) {
	var n int
	var oldest int64
	err := db.read.QueryRowContext(ctx, `SELECT count(*), coalesce(min(created_at), 0) FROM outbox WHERE status = 'pending'`).Scan(&n, &oldest)
	return n, millis(oldest), dbError(err)
}

// NextDelivery is when the next pending delivery falls due (zero: none).
func (db *DB) NextDelivery(ctx context.Context) (time.Time, error) {
	var at int64
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(min(next_at), 0) FROM outbox WHERE status = 'pending'`).Scan(&at)
	return millis(at), dbError(err)
}

// FinishDelivery records how a delivery ended: sent, failed (given up) or
// gone.
func (db *DB) FinishDelivery(ctx context.Context, id int64, status string, code int, errText string) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET status = ?, last_code = ?, last_error = ?, done_at = ? WHERE id = ?`,
			status, code, truncate(errText, 500), tx.nowMillis(), id)
		return err
	})
}

// RetryDelivery records a failed attempt and when to try again.
func (db *DB) RetryDelivery(ctx context.Context, id int64, at time.Time, code int, errText string) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET next_at = ?, last_code = ?, last_error = ? WHERE id = ?`,
			at.UnixMilli(), code, truncate(errText, 500), id)
		return err
	})
}

// Deliveries lists a target's latest deliveries, newest first: a webhook's
// delivery log.
func (db *DB) Deliveries(ctx context.Context, channel string, targetID int64, limit int) ([]Delivery, error) {
	var ds []Delivery
	err := db.each(ctx, `SELECT `+deliveryColumns+` FROM outbox WHERE channel = ? AND target_id = ? ORDER BY id DESC LIMIT ?`,
		[]any{channel, targetID, limit}, func(row rowScanner) error {
			d, err := scanDelivery(row)
			ds = append(ds, d)
			return err
		})
	return ds, err
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}
