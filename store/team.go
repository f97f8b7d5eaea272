package store

import (
	"context"
	"slices"
	"strings"
)

// TeamLine is one section's or one person's week, for coaching: the
// answers made there or while they served, its complaints and praise, and
// how its calls were answered.
type TeamLine struct {
	Name            string
	Responses       int
	Complaints      int // answers that are complaints (IsComplaint)
	Praise          int // answers rated 4–5 that are no complaint
	Alerts          int
	ResolvedPresent int // complaint alerts put right while the guest was there
	acks                // of its calls
}

// The team queries: a week's answers and calls by the section they were
// made in, and by who served that section then (shifts).
var (
	answersBySectionSQL = `SELECT s.name, count(*), count(*) FILTER (WHERE ` + complaintSQL + `),
			count(*) FILTER (WHERE rating >= 4 AND NOT ` + complaintSQL + `)
		FROM responses r JOIN sections s ON s.id = r.section_id
		WHERE r.restaurant_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY s.name`
	callsBySectionSQL = `SELECT s.name, a.created_at, coalesce(a.acknowledged_at, 0), a.reasons = '` + ReasonAsked + `', coalesce(a.outcome, '')
		FROM alerts a JOIN sections s ON s.id = a.section_id
		WHERE a.restaurant_id = ? AND a.created_at >= ? AND a.created_at < ?`
	answersByPersonSQL = `SELECT sh.person, count(*), count(*) FILTER (WHERE ` + complaintSQL + `),
			count(*) FILTER (WHERE rating >= 4 AND NOT ` + complaintSQL + `)
		FROM responses r JOIN shifts sh ON sh.section_id = r.section_id AND sh.from_at <= r.created_at AND (sh.to_at IS NULL OR r.created_at < sh.to_at)
		WHERE r.restaurant_id = ? AND r.created_at >= ? AND r.created_at < ? GROUP BY sh.person`
	callsByPersonSQL = `SELECT sh.person, a.created_at, coalesce(a.acknowledged_at, 0), a.reasons = '` + ReasonAsked + `', coalesce(a.outcome, '')
		FROM alerts a JOIN shifts sh ON sh.section_id = a.section_id AND sh.from_at <= a.created_at AND (sh.to_at IS NULL OR a.created_at < sh.to_at)
		WHERE a.restaurant_id = ? AND a.created_at >= ? AND a.created_at < ?`
)

// team is restaurant r's week w by section and by person, each by name.
func (db *DB) team(ctx context.Context, r Restaurant, w Week) (bySection, byPerson []TeamLine, err error) {
	args := []any{r.ID, w.Start.UnixMilli(), w.End.UnixMilli()}
	read := func(answers, calls string) ([]TeamLine, error) {
		lines := map[string]*TeamLine{}
		line := func(name string) *TeamLine {
			if lines[name] == nil {
				lines[name] = &TeamLine{Name: name}
			}
			return lines[name]
		}
		err := db.each(ctx, answers, args, func(row rowScanner) error {
			var name string
			var n, complaints, praise int
			if err := row.Scan(&name, &n, &complaints, &praise); err != nil {
				return err
			}
			l := line(name)
			l.Responses, l.Complaints, l.Praise = n, complaints, praise
			return nil
		})
		if err != nil {
			return nil, err
		}
		err = db.each(ctx, calls, args, func(row rowScanner) error {
			var name, outcome string
			var created, acked int64
			var request bool
			if err := row.Scan(&name, &created, &acked, &request, &outcome); err != nil {
				return err
			}
			l := line(name)
			l.Alerts++
			l.acks.add(created, acked)
			if !request && outcome != "" && OutcomeGuestPresent(outcome) {
				l.ResolvedPresent++
			}
			return nil
		})
		var out []TeamLine
		for _, l := range lines {
			out = append(out, *l)
		}
		slices.SortFunc(out, func(a, b TeamLine) int { return strings.Compare(a.Name, b.Name) })
		return out, err
	}
	if bySection, err = read(answersBySectionSQL, callsBySectionSQL); err != nil {
		return nil, nil, err
	}
	byPerson, err = read(answersByPersonSQL, callsByPersonSQL)
	return bySection, byPerson, err
}
