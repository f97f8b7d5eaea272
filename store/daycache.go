package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
)

// The day cache: the summary adds a week up from its days, and a day that
// is over is worked out once (tally over its responses and alerts, and the
// team names its praise mentions) and kept in day_stats. Nothing of a past
// day changes but through three doors, and each deletes the day's row in
// the same transaction: an alert's event (acknowledged, resolved,
// escalated: insertEvent), a resent form that amends its response
// (resend), and an erasure (EraseGuest). Seeding a history deletes them
// all. A day's bounds are in the restaurant's zone when it was worked out,
// so a new time zone simply finds no rows.

// dayRange is one day, or the part of one, of a restaurant.
type dayRange struct {
	start, end time.Time
	whole      bool // a whole local day, not a part
}

// daysOf splits [from, to) into the restaurant's local days.
func daysOf(from, to time.Time, loc *time.Location) []dayRange {
	var days []dayRange
	for d := from.In(loc); d.Before(to); {
		y, m, dd := d.Date()
		midnight := time.Date(y, m, dd, 0, 0, 0, 0, loc)
		next := time.Date(y, m, dd+1, 0, 0, 0, 0, loc)
		end := next
		if to.Before(next) {
			end = to
		}
		days = append(days, dayRange{start: d, end: end, whole: d.Equal(midnight) && end.Equal(next)})
		d = end
	}
	return days
}

// cachedDay is a day's WeekStats as day_stats keeps it: its exported
// figures, and the two it keeps to itself.
type cachedDay struct {
	S         WeekStats
	RatingSum int     `json:"rs"`
	AckMs     []int64 `json:"ack"`
}

func encodeDay(s WeekStats) ([]byte, error) {
	c := cachedDay{S: s, RatingSum: s.ratingSum}
	c.S.Wow, c.S.ComplaintQuotes = nil, nil
	for _, d := range s.ackTimes {
		c.AckMs = append(c.AckMs, d.Milliseconds())
	}
	return json.Marshal(c)
}

func decodeDay(b []byte) (WeekStats, error) {
	var c cachedDay
	if err := json.Unmarshal(b, &c); err != nil {
		return WeekStats{}, err
	}
	s := c.S
	s.ratingSum = c.RatingSum
	for _, ms := range c.AckMs {
		s.ackTimes = append(s.ackTimes, time.Duration(ms)*time.Millisecond)
	}
	return s, nil
}

// namesKey is the team names a day's praise was searched for.
func namesKey(r Restaurant) string { return strings.Join(r.TeamNames, ",") }

// dayStats reads the figures of the days in [from, to): whole days that
// are over from the cache, working out (and keeping) those it lacks; the
// rest from the tables. It returns them in order.
func (db *DB) dayStats(ctx context.Context, r Restaurant, from, to time.Time) ([]WeekStats, error) {
	key := namesKey(r)
	cached := map[[2]int64]WeekStats{}
	err := db.each(ctx, dayStatsSQL, []any{r.ID, from.UnixMilli(), to.UnixMilli(), key}, func(row rowScanner) error {
		var a, b int64
		var blob []byte
		if err := row.Scan(&a, &b, &blob); err != nil {
			return err
		}
		s, err := decodeDay(blob)
		if err == nil { // a row that does not decode is worked out again
			cached[[2]int64{a, b}] = s
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	days := daysOf(from, to, r.Location())
	out := make([]WeekStats, len(days))
	var missing []int
	for i, d := range days {
		if s, ok := cached[[2]int64{d.start.UnixMilli(), d.end.UnixMilli()}]; ok {
			out[i] = s
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	gen, err := db.generation(ctx, db.read, r.ID) // what the days are worked out from, as of now
	if err != nil {
		return nil, err
	}
	now, keep := db.now(), map[[2]int64]WeekStats{}
	for _, i := range missing {
		d := days[i]
		if out[i], err = db.workOutDay(ctx, r, d.start, d.end); err != nil {
			return nil, err
		}
		if d.whole && !d.end.After(now) {
			keep[[2]int64{d.start.UnixMilli(), d.end.UnixMilli()}] = out[i]
		}
	}
	db.keepDays(ctx, r, key, keep, gen)
	return out, nil
}

// generation is where a restaurant's changes stand: its last event and its
// last erasure. A day worked out while it moved may have missed a change.
func (db *DB) generation(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, restaurantID int64) (gen [2]int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(id), 0) FROM events WHERE restaurant_id = ?1),
		(SELECT coalesce(max(id), 0) FROM erasures WHERE restaurant_id = ?1)`, restaurantID).Scan(&gen[0], &gen[1])
	return gen, dbError(err)
}

// keepDays stores days' figures, worked out at generation gen, in one
// transaction, unless the restaurant has changed since (they are then
// worked out again next time). A failure (a full disk, a read-only
// database) costs only the next reader the work again, so it is not one.
func (db *DB) keepDays(ctx context.Context, r Restaurant, key string, days map[[2]int64]WeekStats, gen [2]int64) {
	if len(days) == 0 {
		return
	}
	db.update(ctx, func(tx *Tx) error {
		if now, err := db.generation(ctx, tx, r.ID); err != nil || now != gen {
			return err
		}
		for k, s := range days {
			blob, err := encodeDay(s)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO day_stats (restaurant_id, start_ms, end_ms, names_key, stats)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (restaurant_id, start_ms, end_ms)
				DO UPDATE SET names_key = excluded.names_key, stats = excluded.stats`, r.ID, k[0], k[1], key, blob); err != nil {
				return err
			}
		}
		return nil
	})
}

// dayStatsSQL reads a restaurant's cached days starting in a range, for
// the team names given.
const dayStatsSQL = `SELECT start_ms, end_ms, stats FROM day_stats
	WHERE restaurant_id = ? AND start_ms >= ? AND start_ms < ? AND names_key = ?`

// forgetDaySQL deletes the cached day of a restaurant (?1) holding the
// moment ?2 (Unix ms).
const forgetDaySQL = `DELETE FROM day_stats WHERE restaurant_id = ?1 AND start_ms <= ?2 AND end_ms > ?2`

// forgetDay deletes, in tx, the cached day holding at: something of it
// changed.
func forgetDay(ctx context.Context, tx *Tx, restaurantID, at int64) error {
	_, err := tx.ExecContext(ctx, forgetDaySQL, restaurantID, at)
	return err
}

// forgetAlertDaySQL deletes the cached day of a restaurant (?1) holding the
// creation of the alert ?2: the day an alert's change belongs to.
const forgetAlertDaySQL = `DELETE FROM day_stats WHERE restaurant_id = ?1
	AND start_ms <= (SELECT created_at FROM alerts WHERE id = ?2) AND end_ms > (SELECT created_at FROM alerts WHERE id = ?2)`

// workOutDay tallies [from, to) from the tables: responses, alerts, and
// the team named in its praise.
func (db *DB) workOutDay(ctx context.Context, r Restaurant, from, to time.Time) (WeekStats, error) {
	a, b := from.UnixMilli(), to.UnixMilli()
	var groups []responseGroup
	err := db.each(ctx, responseStatsSQL, []any{r.ID, a, b}, func(row rowScanner) error {
		var g responseGroup
		var keys string
		err := row.Scan(&g.Rating, &g.AtTable, &keys, &g.Language, &g.N)
		g.Tags = strings.Fields(keys)
		groups = append(groups, g)
		return err
	})
	if err != nil {
		return WeekStats{}, err
	}
	var alerts []alertRow
	err = db.each(ctx, alertStatsSQL, []any{r.ID, a, b}, func(row rowScanner) error {
		al := alertRow{Currency: r.Currency}
		var keys string
		var created, acked int64
		err := row.Scan(&al.InPerson, &al.Request, &keys, &created, &al.Escalated, &acked, &al.Resolved, &al.Outcome, &al.AmountMinor, &al.Step)
		al.Tags = strings.Fields(keys)
		if acked > 0 {
			al.Acknowledged, al.AckAfter = true, time.Duration(max(0, acked-created))*time.Millisecond
		}
		alerts = append(alerts, al)
		return err
	})
	if err != nil {
		return WeekStats{}, err
	}
	s := tally("", groups, alerts)
	s.StaffNamed, err = db.named(ctx, r, a, b)
	return s, err
}

// CachedDays counts a restaurant's kept days.
func (db *DB) CachedDays(ctx context.Context, restaurantID int64) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM day_stats WHERE restaurant_id = ?`, restaurantID).Scan(&n)
	return n, dbError(err)
}

// ForgetDays empties the day cache: the summary works each day out again
// when next asked (after data was written around the store, say).
func (db *DB) ForgetDays(ctx context.Context) error {
	return db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM day_stats`)
		return err
	})
}
