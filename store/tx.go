package store

import (
	"context"
	"database/sql"
	"time"
)

// Tx is a write transaction with the moment it runs at, read once from the
// store's clock: every row it stamps carries the same time (after WTF Dial's
// sqlite.Tx). Writes that belong together, such as a whole demo restaurant,
// run in one.
type Tx struct {
	*sql.Tx
	now time.Time
	pg  bool // on PostgreSQL, where writers run side by side
}

// nowMillis is the transaction's moment in Unix milliseconds, the unit of
// every timestamp column (always UTC).
func (tx *Tx) nowMillis() int64 { return tx.now.UnixMilli() }

// each runs a query in the transaction and calls fn for every row, as
// DB.each does outside one; update turns its errors into application ones.
func (tx *Tx) each(ctx context.Context, query string, args []any, fn func(rowScanner) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// update runs fn in a write transaction and commits it if fn returns nil.
// Driver errors come back as application errors (dbError).
//
// On SQLite writes are one at a time (one write connection). On
// PostgreSQL they run side by side, across instances: each write is a
// single conditional statement (an alert escalated once, a delivery claimed
// once, an outbox row planned once), or orders itself with a lock of its
// own: a restaurant's events with lockRestaurant, what is truly global (the
// demo seed) with lockGlobal.
func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer sqlTx.Rollback()
	if err := fn(&Tx{Tx: sqlTx, now: db.now(), pg: db.pg != nil}); err != nil {
		return dbError(err)
	}
	return dbError(sqlTx.Commit())
}

// lockRestaurant makes the transaction the restaurant's only writer of
// events until it ends (PostgreSQL; SQLite has one writer anyway): its
// events are numbered, and committed, in one order, which its live streams
// and the notifier's per-restaurant cursor rely on. Writes of other
// restaurants are not held up.
func (tx *Tx) lockRestaurant(ctx context.Context, restaurantID int64) error {
	if !tx.pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?, ?)`, restaurantLockClass, int32(restaurantID))
	return err
}

// lockGlobal makes the transaction the only one of its kind across
// instances until it ends (PostgreSQL): the demo seed, made once.
func (tx *Tx) lockGlobal(ctx context.Context) error {
	if !tx.pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, globalLock)
	return err
}

// skipLocked is what a claim's SELECT ends with: on PostgreSQL, rows
// another instance is claiming are passed over rather than waited for.
func (tx *Tx) skipLocked() string {
	if tx.pg {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}
