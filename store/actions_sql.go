package store

import (
	"context"
	"strings"
	"time"
)

// The queries "This week" reads, each over one restaurant's week (or, for
// follow-ups, as of now), each a search of an index (TestSummaryQueriesUseIndexes).
var (
	// Every complaint of the week, with its table and tags: survey answers
	// that are complaints, and complaints told in person.
	complaintFactsSQL = `SELECT r.created_at, t.label, coalesce(s.name, ''), r.tags FROM responses r JOIN tables t ON t.id = r.table_id
			LEFT JOIN sections s ON s.id = r.section_id
		WHERE r.restaurant_id = ? AND r.created_at >= ? AND r.created_at < ? AND ` + strings.ReplaceAll(complaintSQL, "tags", "r.tags") + `
		UNION ALL
		SELECT a.created_at, coalesce(t.label, ''), coalesce(s.name, ''), a.tags FROM alerts a LEFT JOIN tables t ON t.id = a.table_id
			LEFT JOIN sections s ON s.id = a.section_id
		WHERE a.restaurant_id = ? AND a.created_at >= ? AND a.created_at < ? AND a.response_id IS NULL AND a.reasons <> '` + ReasonAsked + `'`
	// Alerts escalated that nobody said they were going to: never
	// acknowledged, or acknowledged only by the resolution itself (which
	// fills in who went when nobody had, at the same moment).
	untakenSQL = `SELECT coalesce(t.label, '') FROM alerts a LEFT JOIN tables t ON t.id = a.table_id
		WHERE a.restaurant_id = ? AND a.created_at >= ? AND a.created_at < ? AND a.escalated_at IS NOT NULL
			AND (a.acknowledged_at IS NULL OR a.acknowledged_at = a.resolved_at)`
	overdueFollowUpsSQL = `SELECT coalesce(t.label, '') FROM alerts a LEFT JOIN tables t ON t.id = a.table_id
		WHERE a.restaurant_id = ? AND a.follow_up_at < ? AND a.outcome = 'follow-up' AND a.follow_up_done_at IS NULL`
	// Active tables no response came from in the week.
	silentTablesSQL = `SELECT t.label FROM tables t WHERE t.restaurant_id = ? AND t.active AND NOT EXISTS (
		SELECT 1 FROM responses r WHERE r.restaurant_id = t.restaurant_id AND r.created_at >= ? AND r.created_at < ? AND r.table_id = t.id)
		ORDER BY t.label`
)

// weekFacts gathers what the action rules read about restaurant r's week
// w: this is its week, days the trend's days (the four weeks before it
// last but one), trend its weeks.
func (db *DB) weekFacts(ctx context.Context, r Restaurant, w Week, this WeekStats, days []WeekStats, trend []TrendPoint, now time.Time) (WeekFacts, error) {
	var f WeekFacts
	from, to := w.Start.UnixMilli(), w.End.UnixMilli()
	labels := func(q string, args ...any) ([]string, error) {
		var out []string
		err := db.each(ctx, q, args, func(row rowScanner) error {
			var s string
			err := row.Scan(&s)
			out = append(out, s)
			return err
		})
		return out, err
	}
	var err error
	if f.OverdueFollowUps, err = labels(overdueFollowUpsSQL, r.ID, now.UnixMilli()); err != nil {
		return f, err
	}
	if f.Untaken, err = labels(untakenSQL, r.ID, from, to); err != nil {
		return f, err
	}
	loc := r.Location()
	err = db.each(ctx, complaintFactsSQL, []any{r.ID, from, to, r.ID, from, to}, func(row rowScanner) error {
		var at int64
		var c ComplaintFact
		var tags string
		if err := row.Scan(&at, &c.Table, &c.Section, &tags); err != nil {
			return err
		}
		c.Daypart, c.Tags = DaypartOf(time.UnixMilli(at), loc), strings.Fields(tags)
		f.Complaints = append(f.Complaints, c)
		return nil
	})
	if err != nil {
		return f, err
	}
	// The four weeks before this one.
	const before = 4
	if med, _, ok := this.AckTimes(); ok {
		f.AckMedian, f.Acks = med, len(this.ackTimes)
	}
	prior := weekStats(w.Prev(), days[7*(TrendWeeks-1-before):7*(TrendWeeks-1)])
	if med, _, ok := prior.AckTimes(); ok {
		f.AckBefore, f.HasAckBefore = med, true
	}
	f.Rate, f.HasRate = this.ResponseRate()
	f.Responses, f.Covers = this.Responses, this.Covers
	var responses, covers int
	for _, p := range trend[TrendWeeks-1-before : TrendWeeks-1] {
		if p.Covers > 0 {
			responses, covers = responses+p.Responses, covers+p.Covers
		}
	}
	if covers > 0 {
		f.RateBefore, f.HasRateBefore = float64(responses)/float64(covers), true
	}
	// Which cards get no scans: asked only when the rate has fallen.
	if f.HasRate && f.HasRateBefore && f.Rate < fallingRateFactor*f.RateBefore {
		if f.SilentTables, err = labels(silentTablesSQL, r.ID, from, to); err != nil {
			return f, err
		}
	}
	return f, nil
}
