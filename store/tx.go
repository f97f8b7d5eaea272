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
func (db *DB) update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer sqlTx.Rollback()
	if db.pg != nil {
		if _, err := sqlTx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, writeLock); err != nil {
			return dbError(err)
		}
	}
	if err := fn(&Tx{Tx: sqlTx, now: db.now()}); err != nil {
		return dbError(err)
	}
	return dbError(sqlTx.Commit())
}
