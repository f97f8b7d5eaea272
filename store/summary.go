package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TrendWeeks is how many weeks the trend covers, the summary's week last.
const TrendWeeks = 8

// RestaurantWeek is one restaurant's line in a summary of several.
type RestaurantWeek struct {
	Restaurant Restaurant
	Week       Week
	Stats      WeekStats
	Estimate   Estimate
	// Follow-ups not yet done, as of now, and those overdue.
	FollowUpsOpen, FollowUpsOverdue int
	// Actions are "This week": what to do first (ActionsFor).
	Actions []Action
	// Recovery is how the floor answered, by daypart.
	Recovery []Recovery
	// BySection and ByPerson are the week by section, and by who of the
	// team served it then (for coaching).
	BySection, ByPerson []TeamLine
	// Offers are the week's offers to win guests back.
	Offers OfferStats
}

// Summary is the owner's weekly summary of one or more restaurants.
type Summary struct {
	Week string // YYYY-Www
	// Restaurants holds each restaurant's own week, by name.
	Restaurants []RestaurantWeek
	This, Prev  WeekStats
	Trend       []TrendPoint // oldest first; the last is this week
	Estimate    Estimate
	// Follow-ups promised to guests and not yet marked done, as of now, and
	// how many of them are past their time.
	FollowUpsOpen, FollowUpsOverdue int
	Now                             time.Time
	// Partial says the week has not ended: This is the week so far, and
	// Prev the same days of the week before.
	Partial bool
	// Recovery is how the floors answered, by daypart, every restaurant
	// added up.
	Recovery []Recovery
	// FirstData is when the restaurants' first response, alert or guests
	// served were, the earliest (zero without any): weeks before it have
	// nothing to show.
	FirstData time.Time
	// Offers are the week's offers to win guests back, every restaurant
	// added up.
	Offers OfferStats
}

// Summary adds up the ISO week (YYYY-Www) of each restaurant, in its own time
// zone, with the week before, the trend of the weeks up to it, and the
// silent-dissatisfaction estimate.
func (db *DB) Summary(ctx context.Context, rs []Restaurant, week string) (Summary, error) {
	s := Summary{Week: week, Now: db.now(), Trend: make([]TrendPoint, TrendWeeks)}
	for i, r := range rs {
		w, err := ParseWeek(week, r.Location())
		if err != nil {
			return s, err
		}
		// The trend's weeks, this one last: their days, read at once.
		weeks := make([]Week, TrendWeeks)
		weeks[TrendWeeks-1] = w
		for i := TrendWeeks - 2; i >= 0; i-- {
			weeks[i] = weeks[i+1].Prev()
		}
		days, err := db.dayStats(ctx, r, weeks[0].Start, w.End)
		if err != nil {
			return s, err
		}
		if len(days) != 7*TrendWeeks {
			return s, fmt.Errorf("store: %d days in %d weeks", len(days), TrendWeeks)
		}
		this := weekStats(w, days[7*(TrendWeeks-1):])
		if err := db.finishWeek(ctx, r, w, &this, true); err != nil {
			return s, err
		}
		// A week not yet over is compared with the same days of the one
		// before, not with all of it.
		before := w.Prev()
		prev := weekStats(before, days[7*(TrendWeeks-2):7*(TrendWeeks-1)])
		if w.End.After(s.Now) && s.Now.After(w.Start) {
			s.Partial = true
			before.End = before.Start.Add(s.Now.Sub(w.Start))
			part, err := db.dayStats(ctx, r, before.Start, before.End)
			if err != nil {
				return s, err
			}
			prev = weekStats(before, part)
		}
		if err := db.finishWeek(ctx, r, before, &prev, false); err != nil {
			return s, err
		}
		trend, err := db.trend(ctx, r, weeks, days, this)
		if err != nil {
			return s, err
		}
		open, overdue, err := db.followUps(ctx, r.ID, s.Now)
		if err != nil {
			return s, err
		}
		// The voice rate learns from the weeks before this one.
		history := make([]WeekSample, 0, TrendWeeks-1)
		for _, p := range trend[:TrendWeeks-1] {
			history = append(history, p.sample())
		}
		est := EstimateSilent(EstimateInput{Unprompted: this.Complained.Unprompted, SurveyComplaints: this.Complained.Survey,
			Office: this.Office(), Responses: this.Rated, Unhappy: this.Unhappy(), Covers: this.Covers, VoiceRate: r.VoiceRate, History: history})
		facts, err := db.weekFacts(ctx, r, w, this, days, trend, s.Now)
		if err != nil {
			return s, err
		}
		recovery, err := db.recovery(ctx, r, w)
		if err != nil {
			return s, err
		}
		first, err := db.firstData(ctx, r)
		if err != nil {
			return s, err
		}
		if !first.IsZero() && (s.FirstData.IsZero() || first.Before(s.FirstData)) {
			s.FirstData = first
		}
		bySection, byPerson, err := db.team(ctx, r, w)
		if err != nil {
			return s, err
		}
		offers, err := db.offerStats(ctx, r, w)
		if err != nil {
			return s, err
		}
		s.Offers.add(offers)
		s.Restaurants = append(s.Restaurants, RestaurantWeek{Restaurant: r, Week: w, Stats: this, Estimate: est,
			FollowUpsOpen: open, FollowUpsOverdue: overdue, Actions: ActionsFor(facts), Recovery: recovery,
			BySection: bySection, ByPerson: byPerson, Offers: offers})
		s.Recovery = addRecovery(s.Recovery, recovery)
		s.This.add(this)
		s.Prev.add(prev)
		for i := range s.Trend {
			s.Trend[i].Week = trend[i].Week
			s.Trend[i].Responses += trend[i].Responses
			s.Trend[i].Rated += trend[i].Rated
			s.Trend[i].ratingSum += trend[i].ratingSum
			s.Trend[i].Unhappy += trend[i].Unhappy
			s.Trend[i].Complained.Survey += trend[i].Complained.Survey
			s.Trend[i].Complained.Unprompted += trend[i].Complained.Unprompted
			s.Trend[i].Covers += trend[i].Covers
		}
		s.FollowUpsOpen += open
		s.FollowUpsOverdue += overdue
		if i == 0 {
			s.Estimate = est
		} else {
			s.Estimate = addEstimates(s.Estimate, est)
		}
	}
	s.This.Week, s.Prev.Week = week, ""
	if len(s.Restaurants) > 0 {
		s.Prev.Week = s.Restaurants[0].Week.Prev().String()
	}
	return s, nil
}

// addEstimates adds two restaurants' estimates: their headlines and parts
// add up (each range end with its like, which is wider than a joint
// interval: the honest side to err on). A restaurant without data adds
// nothing, not a basis of its own.
func addEstimates(a, b Estimate) Estimate {
	switch {
	case b.NoData():
		return a
	case a.NoData():
		return b
	}
	add := func(x, y Range) Range {
		return Range{Low: x.Low + y.Low, Central: x.Central + y.Central, High: x.High + y.High}
	}
	a.Unhappy, a.VoiceUnhappy = add(a.Unhappy, b.Unhappy), add(a.VoiceUnhappy, b.VoiceUnhappy)
	a.Floor, a.Covers, a.Unprompted = a.Floor+b.Floor, a.Covers+b.Covers, a.Unprompted+b.Unprompted
	a.Office, a.FourPercent = a.Office+b.Office, a.FourPercent+b.FourPercent
	if a.HasSample && b.HasSample {
		a.SampleUnhappy = add(a.SampleUnhappy, b.SampleUnhappy)
	} else if b.HasSample {
		a.HasSample, a.SampleUnhappy, a.UnhappyShare = true, b.SampleUnhappy, b.UnhappyShare
	}
	if a.Basis != b.Basis {
		a.Basis = "mixed"
	}
	if a.Voice.Own != b.Voice.Own || a.Voice.Rate != b.Voice.Rate {
		a.Voice = VoiceRate{Rate: Range{Low: min(a.Voice.Rate.Low, b.Voice.Rate.Low), Central: (a.Voice.Rate.Central + b.Voice.Rate.Central) / 2,
			High: max(a.Voice.Rate.High, b.Voice.Rate.High)}, Own: a.Voice.Own && b.Voice.Own, Weeks: min(a.Voice.Weeks, b.Voice.Weeks)}
	}
	return a
}

// The summary's queries, each over one restaurant and a time range, so that
// each is a search of an index (summary_test.go checks the plans).
var (
	// One pass over a week's responses, grouped by what is counted: few
	// distinct groups, so the tags are split and counted in Go.
	responseStatsSQL = `SELECT coalesce(rating, 0), at_table, tags, language, count(*) FROM responses
		WHERE restaurant_id = ? AND created_at >= ? AND created_at < ? GROUP BY rating, at_table, tags, language`
	alertStatsSQL = `SELECT response_id IS NULL, reasons = '` + ReasonAsked + `', tags, created_at, escalated_at IS NOT NULL,
		coalesce(acknowledged_at, 0), resolved_at IS NOT NULL, coalesce(outcome, ''), coalesce(amount_minor, 0), escalation_step
		FROM alerts WHERE restaurant_id = ? AND created_at >= ? AND created_at < ?`
	coverStatsSQL = `SELECT coalesce(sum(guests), 0), count(*) FROM covers
		WHERE restaurant_id = ? AND day >= ? AND day < ?`
	// The newest comments of one rating, to quote: read newest first along
	// the index, so it stops early; a few spare for repeated words.
	praiseSQL = `SELECT r.created_at, r.rating, r.comment, r.guest_name, t.label, r.tags
		FROM responses r JOIN tables t ON t.id = r.table_id
		WHERE r.restaurant_id = ? AND r.created_at >= ? AND r.created_at < ? AND r.rating = ? AND r.comment <> ''
			AND NOT ` + strings.ReplaceAll(complaintSQL, "tags", "r.tags") + `
		ORDER BY r.created_at DESC LIMIT 30`
	// The newest complaints with a comment, to quote (newest first along the
	// index, so it stops early).
	complaintQuotesSQL = `SELECT r.created_at, coalesce(r.rating, 0), r.comment, r.guest_name, t.label, r.tags
		FROM responses r JOIN tables t ON t.id = r.table_id
		WHERE r.restaurant_id = ? AND r.created_at >= ? AND r.created_at < ? AND r.comment <> ''
			AND ` + strings.ReplaceAll(complaintSQL, "tags", "r.tags") + `
		ORDER BY r.created_at DESC LIMIT 6`
	// The praise that may name the team: LIKE narrows it (case-insensitive
	// for ASCII), and nameFinder then checks whole words.
	namedSQL = `SELECT comment FROM responses
		WHERE restaurant_id = ? AND created_at >= ? AND created_at < ? AND rating >= 4 AND comment <> '' AND NOT ` + complaintSQL + ` AND (`
	followUpsSQL = `SELECT count(*), count(*) FILTER (WHERE follow_up_at < ?) FROM alerts
		WHERE restaurant_id = ? AND outcome = 'follow-up' AND follow_up_done_at IS NULL`
)

// maxWow is how many praise comments a summary quotes.
const maxWow = 6

// weekStats adds up one restaurant's week (or its first days, for a week so
// far) from the figures of its days (dayStats).
func weekStats(w Week, days []WeekStats) WeekStats {
	var s WeekStats
	for _, d := range days {
		s.add(d)
	}
	s.Week = w.String()
	return s
}

// finishWeek reads what a week's days do not hold: the guests served and,
// with praise, the comments to quote.
func (db *DB) finishWeek(ctx context.Context, r Restaurant, w Week, s *WeekStats, praise bool) error {
	err := db.read.QueryRowContext(ctx, coverStatsSQL, r.ID, w.Start.Format(time.DateOnly),
		w.End.Format(time.DateOnly)).Scan(&s.Covers, &s.CoverDays)
	if err != nil || !praise {
		return dbError(err)
	}
	return db.praise(ctx, r, w.Start.UnixMilli(), w.End.UnixMilli(), s)
}

// praise reads the week's comments rated 4 or 5: the newest fives are quoted
// (then fours, if there are not enough), and every one that names the team
// is counted.
func (db *DB) praise(ctx context.Context, r Restaurant, from, to int64, s *WeekStats) error {
	var err error
	for rating := 5; rating >= 4 && len(s.Wow) < maxWow && err == nil; rating-- {
		err = db.each(ctx, praiseSQL, []any{r.ID, from, to, rating}, func(row rowScanner) error {
			c, err := scanComment(row, r)
			if err != nil {
				return err
			}
			if len(s.Wow) < maxWow && !slices.ContainsFunc(s.Wow, func(q Comment) bool { return strings.EqualFold(q.Text, c.Text) }) {
				s.Wow = append(s.Wow, c)
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	if err != nil {
		return err
	}
	return db.each(ctx, complaintQuotesSQL, []any{r.ID, from, to}, func(row rowScanner) error {
		c, err := scanComment(row, r)
		s.ComplaintQuotes = append(s.ComplaintQuotes, c)
		return err
	})
}

// named counts the team names mentioned in praise (rated 4 or 5, no
// complaint) made in [from, to) Unix ms.
func (db *DB) named(ctx context.Context, r Restaurant, from, to int64) ([]TagCount, error) {
	if len(r.TeamNames) == 0 {
		return nil, nil
	}
	names := newNameFinder(r.TeamNames)
	args := []any{r.ID, from, to}
	var likes []string
	for _, n := range r.TeamNames {
		likes = append(likes, `comment LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscaper.Replace(n)+"%")
	}
	named := map[string]int{}
	err := db.each(ctx, namedSQL+strings.Join(likes, " OR ")+")", args, func(row rowScanner) error {
		var text string
		if err := row.Scan(&text); err != nil {
			return err
		}
		for _, n := range names.find(text) {
			named[n]++
		}
		return nil
	})
	var out []TagCount
	for n, count := range named {
		out = append(out, TagCount{Key: n, Label: n, Count: count})
	}
	sortCounts(out)
	return out, err
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// trend is the TrendWeeks weeks up to w, w's own last, from their days
// (weeks[i] is days[7i:7i+7]) and the guests served each week.
func (db *DB) trend(ctx context.Context, r Restaurant, weeks []Week, days []WeekStats, this WeekStats) ([]TrendPoint, error) {
	points := make([]TrendPoint, len(weeks))
	for i, wk := range weeks[:len(weeks)-1] {
		s := weekStats(wk, days[7*i:7*i+7])
		points[i] = TrendPoint{Week: wk.String(), Responses: s.Responses, Rated: s.Rated, ratingSum: s.ratingSum, Unhappy: s.Unhappy(), Complained: s.Complained}
	}
	points[len(weeks)-1] = TrendPoint{Week: this.Week, Responses: this.Responses, Rated: this.Rated, ratingSum: this.ratingSum,
		Unhappy: this.Unhappy(), Complained: this.Complained, Covers: this.Covers}
	var bounds []any
	for _, wk := range weeks[1 : len(weeks)-1] {
		bounds = append(bounds, wk.Start.Format(time.DateOnly))
	}
	err := db.each(ctx, trendCoversSQL, append(bounds, r.ID, weeks[0].Start.Format(time.DateOnly), weeks[len(weeks)-1].Start.Format(time.DateOnly)),
		func(row rowScanner) error {
			var i, n int
			err := row.Scan(&i, &n)
			points[i].Covers = n
			return err
		})
	return points, err
}

// weekBucket numbers a row's week 0 to TrendWeeks-2 from the TrendWeeks-2
// week starts after the first, passed as the query's first parameters.
func weekBucket(column string) string {
	var b strings.Builder
	b.WriteString("CASE")
	for i := range TrendWeeks - 2 {
		fmt.Fprintf(&b, " WHEN %s < ? THEN %d", column, i)
	}
	fmt.Fprintf(&b, " ELSE %d END", TrendWeeks-2)
	return b.String()
}

var trendCoversSQL = `SELECT ` + weekBucket("day") + ` AS w, sum(guests) FROM covers
	WHERE restaurant_id = ? AND day >= ? AND day < ? GROUP BY w`

// followUps counts a restaurant's follow-ups not yet done, and those overdue.
func (db *DB) followUps(ctx context.Context, restaurantID int64, now time.Time) (open, overdue int, err error) {
	err = db.read.QueryRowContext(ctx, followUpsSQL, now.UnixMilli(), restaurantID).Scan(&open, &overdue)
	return open, overdue, dbError(err)
}

// firstDataSQL finds a restaurant's first response, alert and day of
// guests served, each the first entry of an index.
const firstDataSQL = `SELECT (SELECT min(created_at) FROM responses WHERE restaurant_id = ?),
	(SELECT min(created_at) FROM alerts WHERE restaurant_id = ?), (SELECT min(day) FROM covers WHERE restaurant_id = ?)`

// firstData is when restaurant r's data begins: its first response, alert
// or day of guests served, whichever is first (zero without any).
func (db *DB) firstData(ctx context.Context, r Restaurant) (time.Time, error) {
	var response, alert sql.NullInt64
	var day sql.NullString
	if err := db.read.QueryRowContext(ctx, firstDataSQL, r.ID, r.ID, r.ID).Scan(&response, &alert, &day); err != nil {
		return time.Time{}, dbError(err)
	}
	var first time.Time
	earlier := func(t time.Time) {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	if response.Valid {
		earlier(time.UnixMilli(response.Int64))
	}
	if alert.Valid {
		earlier(time.UnixMilli(alert.Int64))
	}
	if d, err := time.ParseInLocation(time.DateOnly, day.String, r.Location()); day.Valid && err == nil {
		earlier(d)
	}
	return first, nil
}

// scanComment reads a quoted comment: when, rating, text, guest, table, tags.
func scanComment(row rowScanner, r Restaurant) (Comment, error) {
	var c Comment
	var at int64
	var tags string
	err := row.Scan(&at, &c.Rating, &c.Text, &c.Guest, &c.Table, &tags)
	c.At, c.Restaurant, c.Tags = time.UnixMilli(at).UTC(), r.Name, strings.Fields(tags)
	return c, err
}
