package store

import (
	"context"
	"fmt"
	"strings"
)

// DemoFingerprint summarises a restaurant's history as counts: responses, those
// rated 1–2, those made at the table, and the sum of ratings.
func (db *DB) DemoFingerprint(ctx context.Context, restaurantID int64) ([4]int, error) {
	var fp [4]int
	err := db.read.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE rating <= 2),
		count(*) FILTER (WHERE at_table), coalesce(sum(rating), 0) FROM responses WHERE restaurant_id = ?`,
		restaurantID).Scan(&fp[0], &fp[1], &fp[2], &fp[3])
	return fp, err
}

// SummaryQueryPlans explains each query of the weekly summary.
func (db *DB) SummaryQueryPlans(ctx context.Context, _ *DB) map[string]string {
	queries := map[string]string{"responses": responseStatsSQL, "alerts": alertStatsSQL, "covers": coverStatsSQL,
		"praise": praiseSQL, "complaint quotes": complaintQuotesSQL, "named": namedSQL + "comment LIKE ?)", "follow-ups": followUpsSQL, "day stats": dayStatsSQL,
		"forget a day": forgetDaySQL, "trend covers": trendCoversSQL, "complaint facts": complaintFactsSQL, "untaken": untakenSQL,
		"overdue follow-ups": overdueFollowUpsSQL, "silent tables": silentTablesSQL, "recovery": recoverySQL, "first data": firstDataSQL,
		"answers by section": answersBySectionSQL, "calls by section": callsBySectionSQL, "answers by person": answersByPersonSQL, "calls by person": callsByPersonSQL,
		"offers": offerStatsSQL}
	plans := map[string]string{}
	for name, q := range queries {
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = 1
		}
		rows, err := db.read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			plans[name] = err.Error()
			continue
		}
		var b strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				b.WriteString(err.Error())
			}
			b.WriteString(detail + "\n")
		}
		rows.Close()
		plans[name] = b.String()
	}
	return plans
}

// SetWriteQueryOnly makes the write connection refuse writes as a read-only
// database file would (SQLITE_READONLY), or lets it write again.
func (db *DB) SetWriteQueryOnly(ctx context.Context, on bool) error {
	if db.pg != nil { // new connections only: the pool starts afresh
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE`); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, fmt.Sprintf(`ALTER DATABASE %q SET default_transaction_read_only = %v`,
			db.pg.Config().ConnConfig.Database, on))
		db.pg.Reset()
		db.pgRead.Reset()
		return err
	}
	v := "OFF"
	if on {
		v = "ON"
	}
	_, err := db.write.ExecContext(ctx, "PRAGMA query_only = "+v)
	return err
}

// SetAfterCommit runs f between each later commit of floor events and their
// publishing (nil: nothing), so a test can cancel a request's context there.
func (db *DB) SetAfterCommit(f func()) { db.afterCommit = f }

// SetTimeZoneRaw stores a restaurant's zone as it is, past every check: as an
// old database, or a newer build's zone names, could hold it.
func (db *DB) SetTimeZoneRaw(ctx context.Context, restaurantID int64, zone string) error {
	_, err := db.write.ExecContext(ctx, `UPDATE restaurants SET time_zone = ? WHERE id = ?`, zone, restaurantID)
	return err
}

// TerminateListeners cuts every listening connection of the database's
// instances (PostgreSQL's pg_terminate_backend), as a network fault would.
func (db *DB) TerminateListeners(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %'`).Scan(&n)
	return n, err
}
