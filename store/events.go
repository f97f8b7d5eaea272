package store

import (
	"context"
	"database/sql"
	"time"
)

// Event is one change on a restaurant's floor, read from the event log: an
// alert raised, acknowledged, resolved or escalated, with the alert as it
// stands now.
type Event struct {
	ID int64 // events.id, which is the SSE event id
	// Prev is the id of the restaurant's event before this one (0 for its
	// first): a client that last saw another id has missed something.
	Prev         int64
	RestaurantID int64
	Kind         EventKind
	Step         int // an escalation's step, from 1
	At           time.Time
	Alert        Alert
}

// The event log's queries. An event's prev_id is found in the insert itself:
// a restaurant's events are written one transaction at a time (the one write
// connection on SQLite, lockRestaurant on PostgreSQL), so it is the
// restaurant's latest event at commit.
const (
	insertEventSQL = `INSERT INTO events (restaurant_id, alert_id, kind, created_at, step, prev_id)
		VALUES (?, ?, ?, ?, ?, coalesce((SELECT max(id) FROM events WHERE restaurant_id = ?), 0)) RETURNING id`
	eventsAfterSQL = `SELECT e.id, e.prev_id, e.kind, e.step, e.created_at, ` + alertFields + `
		FROM events e JOIN alerts a ON a.id = e.alert_id` + alertJoins + `
		WHERE e.restaurant_id = ? AND e.id > ? ORDER BY e.id LIMIT ?`
)

// EventsAfter reads a restaurant's events after the id after, oldest first, at
// most limit of them, each with its alert as it stands now: one query for the
// whole batch.
func (db *DB) EventsAfter(ctx context.Context, restaurantID, after int64, limit int) ([]Event, error) {
	rows, err := db.stmt.eventsAfter.QueryContext(ctx, restaurantID, after, limit)
	if err != nil {
		return nil, dbError(err)
	}
	return scanEvents(rows)
}

func scanEvents(rows *sql.Rows) ([]Event, error) {
	defer rows.Close()
	var evs []Event
	for rows.Next() {
		var e Event
		var at int64
		a, err := scanAlert(rows, &e.ID, &e.Prev, &e.Kind, &e.Step, &at)
		if err != nil {
			return nil, err
		}
		e.Alert, e.RestaurantID, e.At = a, a.RestaurantID, millis(at)
		evs = append(evs, e)
	}
	return evs, dbError(rows.Err())
}

// CountEventsAfter counts a restaurant's events after the id after, stopping
// at upTo: enough to tell whether a client is too far behind to catch up.
func (db *DB) CountEventsAfter(ctx context.Context, restaurantID, after int64, upTo int) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events
		WHERE restaurant_id = ? AND id > ? LIMIT ?) AS behind`, restaurantID, after, upTo).Scan(&n)
	return n, dbError(err)
}

// LastEventID is the id of a restaurant's latest event, 0 if it has none.
func (db *DB) LastEventID(ctx context.Context, restaurantID int64) (int64, error) {
	var id int64
	err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events WHERE restaurant_id = ?`, restaurantID).Scan(&id)
	return id, dbError(err)
}

// insertEvent writes an event in tx and returns the notice to publish once tx
// has committed.
func (db *DB) insertEvent(ctx context.Context, tx *Tx, restaurantID, alertID int64, kind EventKind, now int64, step int) (Notice, error) {
	n := Notice{RestaurantID: restaurantID, AlertID: alertID}
	if err := tx.lockRestaurant(ctx, restaurantID); err != nil {
		return n, dbError(err)
	}
	err := tx.StmtContext(ctx, db.stmt.insertEvent).QueryRowContext(ctx, restaurantID, alertID, kind, now, step, restaurantID).Scan(&n.ID)
	if err != nil {
		return n, dbError(err)
	}
	// Every change to an alert is an event: the summary's cached day of
	// the alert is out of date (daycache.go).
	_, err = tx.StmtContext(ctx, db.stmt.forgetAlertDay).ExecContext(ctx, restaurantID, alertID)
	return n, dbError(err)
}

// writeEvents runs write in a transaction and, once it has committed, hands
// the notices of the events it wrote to the publisher. The write goes on even
// if the request behind ctx is cancelled (a manager's tap that reached the
// server counts), and nothing after the commit can fail: once write's rows are
// in the log, the caller is told it worked and every stream will read them.
func (db *DB) writeEvents(ctx context.Context, write func(ctx context.Context, tx *Tx) ([]Notice, error)) error {
	ctx = context.WithoutCancel(ctx)
	var notices []Notice
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		notices, err = write(ctx, tx)
		if err == nil && db.pg != nil && len(notices) > 0 {
			err = notifyInTx(ctx, tx, notices) // the other instances hear on commit
		}
		return err
	})
	if err != nil {
		return err
	}
	if db.afterCommit != nil {
		db.afterCommit()
	}
	if len(notices) > 0 {
		db.publisher.Publish(notices...)
	}
	return nil
}

// Hub is the process's hub of live floor events: streams subscribe to it.
func (db *DB) Hub() *Hub { return db.hub }
