package store_test

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tableside/tableside/store"
)

// clockDB opens a database whose clock the test sets.
func clockDB(t *testing.T) (*store.DB, *time.Time) {
	t.Helper()
	now := new(time.Time)
	db, err := store.Open(context.Background(), testDSN(t, "s.db"),
		store.WithClock(func() time.Time { return *now }), store.WithPasswordCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, now
}

func local(t *testing.T, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func respond(t *testing.T, db *store.DB, tb store.Table, rating int, atTable bool, comment string, tags ...string) string {
	t.Helper()
	id, _, err := db.CreateResponse(context.Background(), store.NewResponse{TableToken: tb.Token,
		IdempotencyKey: store.NewToken(), Rating: rating, AtTable: atTable, Tags: tags, Comment: comment})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestWeeklySummary builds a London week with the autumn clock change in it
// (2026-W43, 169 hours) and checks every figure of the summary by hand.
func TestWeeklySummary(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	const zone = "Europe/London"
	at := func(s string) { *now = local(t, zone, s) }
	at("2026-10-01 09:00")
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: zone, Currency: "GBP"})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSummarySettings(ctx, r.ID, store.Range{Low: 0.02, Central: 0.04, High: 0.05}, []string{"Sam", "Priya"}); err != nil {
		t.Fatal(err)
	}
	r, _ = db.RestaurantBySlug(ctx, "harbour")
	tb, _ := db.CreateTable(ctx, r.ID, "Table 4")
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)

	at("2026-10-14 20:00") // W42
	respond(t, db, tb, 4, false, "")
	at("2026-10-18 23:59") // Sunday night: still W42
	respond(t, db, tb, 2, false, "")
	at("2026-10-19 00:05") // Monday 00:05 BST is Sunday in UTC, but W43 here
	respond(t, db, tb, 3, false, "", "noise")
	at("2026-10-20 19:00")
	respond(t, db, tb, 5, false, "Sam's service was wonderful, and Priya too. Samuel who?", "food")
	respond(t, db, tb, 4, false, "Lovely", "food", "slow")
	slow := respond(t, db, tb, 1, true, "Forty minutes for mains", "slow")
	at("2026-10-21 20:00")
	cold := respond(t, db, tb, 2, false, "", "cold-food")
	at("2026-10-25 23:30") // Sunday after the clock change: the week's 169th hour
	inPerson, err := db.LogInPerson(ctx, r.ID, tb.ID, sam.ID, store.NewToken(), []string{"slow"}, "Told me at the door")
	if err != nil {
		t.Fatal(err)
	}
	at("2026-10-26 00:10") // W44
	respond(t, db, tb, 1, true, "")

	// Handle the week's alerts: one comped while the guest was there after
	// two minutes, one after they had left after six, one promised a call.
	handle := func(receipt string, ackAfter time.Duration, res store.Resolution) {
		a, err := db.AlertForReceipt(ctx, receipt)
		if err != nil {
			t.Fatal(err)
		}
		*now = a.CreatedAt.Add(ackAfter)
		if err := db.Acknowledge(ctx, r.ID, a.ID, sam.ID); err != nil {
			t.Fatal(err)
		}
		*now = now.Add(time.Minute)
		if err := db.Resolve(ctx, r.ID, a.ID, sam.ID, res); err != nil {
			t.Fatal(err)
		}
	}
	handle(slow, 2*time.Minute, store.Resolution{Outcome: store.OutcomeCompedBill, Amount: store.Money{Minor: 45_50, Currency: "GBP"}})
	handle(cold, 6*time.Minute, store.Resolution{Outcome: store.OutcomeFollowUp,
		FollowUpAt: local(t, zone, "2026-10-22 11:00"), FollowUpWho: "07700 900123"})
	for d := local(t, zone, "2026-10-11 12:00"); d.Before(local(t, zone, "2026-10-27 12:00")); d = d.AddDate(0, 0, 1) {
		if err := db.SetCovers(ctx, r.ID, d, 100); err != nil {
			t.Fatal(err)
		}
	}
	at("2026-11-02 09:00")

	s, err := db.Summary(ctx, []store.Restaurant{r}, "2026-W43")
	if err != nil {
		t.Fatal(err)
	}
	w := s.This
	if w.Responses != 5 || w.Ratings != [5]int{1, 1, 1, 1, 1} || w.AtTable != 1 {
		t.Errorf("responses %d, ratings %v, at table %d", w.Responses, w.Ratings, w.AtTable)
	}
	if avg, ok := w.Average(); !ok || avg != 3 {
		t.Errorf("average %v %v", avg, ok)
	}
	if happy, _ := w.HappyShare(); happy != 0.4 {
		t.Errorf("share of 4–5: %v", happy)
	}
	if w.Covers != 700 || w.CoverDays != 7 {
		t.Errorf("covers %d over %d days", w.Covers, w.CoverDays)
	}
	if rate, _ := w.ResponseRate(); rate != 5.0/700 {
		t.Errorf("response rate %v", rate)
	}
	wantComplaints := []store.TagCount{{Key: "slow", Label: "Slow service", Count: 3},
		{Key: "cold-food", Label: "Food not hot", Count: 1}, {Key: "noise", Label: "Too noisy", Count: 1}}
	if !slices.Equal(w.Complaints, wantComplaints) {
		t.Errorf("complaints %v", w.Complaints)
	}
	if len(w.Praise) != 1 || w.Praise[0].Key != "food" || w.Praise[0].Count != 2 {
		t.Errorf("praise tags %v", w.Praise)
	}
	// Complaints, one definition: the 3 (noise), the 4 (slow) and the 2
	// (cold food) were drawn out by the survey; the 1 sent from the table
	// and the one told at the door were unprompted.
	if w.Complained != (store.ComplaintCount{Survey: 3, Unprompted: 2}) {
		t.Errorf("complaints %+v", w.Complained)
	}
	if w.Voiced != 3 || w.InPerson != 1 || w.Acknowledged != 2 || w.Resolved != 2 || w.ResolvedPresent != 1 {
		t.Errorf("voiced %d, in person %d, acknowledged %d, resolved %d, while present %d",
			w.Voiced, w.InPerson, w.Acknowledged, w.Resolved, w.ResolvedPresent)
	}
	if med, p90, ok := w.AckTimes(); !ok || med != 2*time.Minute || p90 != 6*time.Minute {
		t.Errorf("time to acknowledge: median %v, p90 %v", med, p90)
	}
	if !slices.Equal(w.Comps, []store.Comps{{Count: 1, Total: store.Money{Minor: 45_50, Currency: "GBP"}}}) {
		t.Errorf("comps %v", w.Comps)
	}
	// "Lovely" was rated 4 but ticked slow service: not praise to quote.
	if len(w.Wow) != 1 || !strings.HasPrefix(w.Wow[0].Text, "Sam's") || w.Wow[0].Table != "Table 4" {
		t.Errorf("praise quoted: %+v", w.Wow)
	}
	if !slices.Equal(w.StaffNamed, []store.TagCount{{Key: "Priya", Label: "Priya", Count: 1}, {Key: "Sam", Label: "Sam", Count: 1}}) {
		t.Errorf("staff named %v", w.StaffNamed)
	}
	if s.Prev.Responses != 2 || s.Prev.Week != "2026-W42" || s.Prev.Complained.Total() != 1 {
		t.Errorf("previous week: %d responses, %+v complaints, %s", s.Prev.Responses, s.Prev.Complained, s.Prev.Week)
	}
	if len(s.Trend) != store.TrendWeeks || s.Trend[7].Week != "2026-W43" || s.Trend[7].Responses != 5 ||
		s.Trend[7].Complained != w.Complained || s.Trend[6].Complained.Total() != 1 || s.Trend[7].Unhappy != 2 || s.Trend[7].Covers != 700 || s.Trend[6].Responses != 2 || s.Trend[6].Covers != 700 ||
		s.Trend[5].Covers != 100 || s.Trend[0].Week != "2026-W36" || s.Trend[0].Responses != 0 {
		t.Errorf("trend %+v", s.Trend)
	}
	if s.FollowUpsOpen != 1 || s.FollowUpsOverdue != 1 {
		t.Errorf("follow-ups open %d, overdue %d", s.FollowUpsOpen, s.FollowUpsOverdue)
	}
	e := s.Estimate
	// 2 of 5 rated 1–2 of 700 served; 2 unprompted at the restaurant's own
	// 2%–5% (4%): 50, within Poisson's 0.36–6.30 over 5% and 2%: 7–315.
	if e.Unprompted != 2 || e.Floor != 5 || e.VoiceUnhappy.Central != 50 || math.Round(e.VoiceUnhappy.Low) != 7 || math.Round(e.VoiceUnhappy.High) != 315 || !e.HasSample ||
		e.SampleUnhappy.Central != 280 || e.Basis != "survey" || e.Unhappy.High > 700 || e.Voice.Own || e.Voice.Weeks != 1 {
		t.Errorf("estimate %+v", e)
	}

	// The promised call is made: no follow-up stays open.
	followUps, err := db.FollowUps(ctx, r.ID)
	if err != nil || len(followUps) != 1 {
		t.Fatalf("follow-ups %v, %v", followUps, err)
	}
	if err := db.CompleteFollowUp(ctx, r.ID, followUps[0].ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteFollowUp(ctx, r.ID, inPerson, sam.ID); err == nil {
		t.Error("an alert that is not a follow-up was marked done")
	}
	if s, _ = db.Summary(ctx, []store.Restaurant{r}, "2026-W43"); s.FollowUpsOpen != 0 || s.FollowUpsOverdue != 0 {
		t.Errorf("after the call: open %d, overdue %d", s.FollowUpsOpen, s.FollowUpsOverdue)
	}
}

// TestSummaryOfSeveralRestaurants adds each restaurant's own week, in its own
// time zone, and keeps each one's line.
func TestSummaryOfSeveralRestaurants(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	*now = local(t, "UTC", "2026-10-01 09:00")
	london, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "london", Name: "London", TimeZone: "Europe/London", Currency: "GBP"})
	ny, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "ny", Name: "New York", TimeZone: "America/New_York", Currency: "USD"})
	lt, _ := db.CreateTable(ctx, london.ID, "1")
	nt, _ := db.CreateTable(ctx, ny.ID, "1")
	sam := staffUser(t, db, london, "sam@example.com", "Sam", store.RoleManager)
	if _, err := db.AddMembership(ctx, sam.ID, ny.ID, store.RoleManager); err != nil {
		t.Fatal(err)
	}

	// Monday 2026-10-19 03:00 UTC is W43 in London and still W42 in New York.
	*now = local(t, "UTC", "2026-10-19 03:00")
	respond(t, db, lt, 5, false, "")
	respond(t, db, nt, 5, false, "")
	*now = local(t, "UTC", "2026-10-20 18:00")
	for _, tb := range []store.Table{lt, nt} {
		id := respond(t, db, tb, 1, true, "")
		a, _ := db.AlertForReceipt(ctx, id)
		*now = now.Add(time.Minute)
		if err := db.Resolve(ctx, a.RestaurantID, a.ID, sam.ID, store.Resolution{Outcome: store.OutcomeCompedItem, Amount: store.Money{Minor: 800, Currency: a.Amount.Currency}}); err != nil {
			t.Fatal(err)
		}
	}
	s, err := db.Summary(ctx, []store.Restaurant{london, ny}, "2026-W43")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Restaurants) != 2 || s.Restaurants[0].Stats.Responses != 2 || s.Restaurants[1].Stats.Responses != 1 {
		t.Fatalf("lines %+v", s.Restaurants)
	}
	if s.This.Responses != 3 || s.This.Voiced != 2 || s.This.ResolvedPresent != 2 {
		t.Errorf("together: %+v", s.This)
	}
	if !slices.Equal(s.This.Comps, []store.Comps{{Count: 1, Total: store.Money{Minor: 800, Currency: "GBP"}}, {Count: 1, Total: store.Money{Minor: 800, Currency: "USD"}}}) {
		t.Errorf("comps by currency %v", s.This.Comps)
	}
	if s.Estimate.Floor != s.This.Complained.Total() || s.Estimate.HasSample {
		t.Errorf("estimate without covers %+v", s.Estimate)
	}
}

// TestSummaryQueriesUseIndexes proves each summary query searches an index
// rather than scanning a table.
func TestSummaryQueriesUseIndexes(t *testing.T) {
	sqliteOnly(t, "the planner chooses by its statistics; BenchmarkSummaryAtScale measures the result")
	db := open(t, "")
	for name, plan := range db.SummaryQueryPlans(context.Background(), db) {
		if !strings.Contains(plan, "SEARCH") || strings.Contains(plan, "SCAN r\n") ||
			strings.Contains(plan, "SCAN responses") || strings.Contains(plan, "SCAN alerts") || strings.Contains(plan, "SCAN covers") {
			t.Errorf("%s scans a table:\n%s", name, plan)
		}
		t.Logf("%s:\n%s", name, plan)
	}
}

// TestAskedForSomeoneIsARequest: "I'm still at the table — please send
// someone" from a happy guest raises an alert that reads "asked for someone",
// and the summary counts it as a request, not as a complaint or an unhappy
// guest.
func TestAskedForSomeoneIsARequest(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	*now = local(t, "Europe/London", "2026-10-20 19:00")
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := db.CreateTable(ctx, r.ID, "Table 4")
	asked := respond(t, db, tb, 5, true, "Could we have the dessert menu?", "food")
	complaint := respond(t, db, tb, 1, true, "Cold soup")
	a, err := db.AlertForReceipt(ctx, asked)
	if err != nil {
		t.Fatalf("a guest who asked for someone raised no alert: %v", err)
	}
	if !slices.Equal(a.Reasons, []string{store.ReasonAsked}) || !a.AtTable || a.State != store.StateOpen {
		t.Fatalf("alert %+v", a)
	}
	if _, err := db.AlertForReceipt(ctx, complaint); err != nil {
		t.Fatal(err)
	}
	*now = local(t, "Europe/London", "2026-11-02 09:00")
	s, err := db.Summary(ctx, []store.Restaurant{r}, "2026-W43")
	if err != nil {
		t.Fatal(err)
	}
	if w := s.This; w.Requests != 1 || w.Voiced != 1 || w.Unhappy() != 1 {
		t.Fatalf("requests %d, voiced %d, unhappy %d; want 1, 1, 1", w.Requests, w.Voiced, w.Unhappy())
	}
	if p := s.Trend[len(s.Trend)-1]; p.Complained != (store.ComplaintCount{Unprompted: 1}) {
		t.Fatalf("the trend counts %+v complaints this week, want 1 unprompted", p.Complained)
	}
}

// TestWeekSoFarIsComparedWithTheSameDays: on Wednesday, this week is
// "so far" (Partial) and last week counts only up to the same moment, not
// its Thursday to Sunday.
func TestWeekSoFarIsComparedWithTheSameDays(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	const zone = "Europe/London"
	at := func(s string) { *now = local(t, zone, s) }
	at("2026-11-01 09:00")
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: zone})
	if err != nil {
		t.Fatal(err)
	}
	tb, _ := db.CreateTable(ctx, r.ID, "Table 4")
	at("2026-11-03 19:00") // W45, Tuesday: counted
	respond(t, db, tb, 2, false, "")
	at("2026-11-06 19:00") // W45, Friday: after the same moment
	respond(t, db, tb, 1, false, "")
	respond(t, db, tb, 5, false, "")
	at("2026-11-09 12:00") // W46, Monday
	respond(t, db, tb, 4, false, "")
	at("2026-11-11 12:00") // W46, Wednesday noon
	s, err := db.Summary(ctx, []store.Restaurant{r}, "2026-W46")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Partial || s.This.Responses != 1 || s.Prev.Responses != 1 || s.Prev.Complained.Total() != 1 {
		t.Fatalf("partial %v: this week %d responses, the same days before %d (%+v)", s.Partial, s.This.Responses, s.Prev.Responses, s.Prev.Complained)
	}
	// A week that is over is compared with the whole week before.
	if s, _ := db.Summary(ctx, []store.Restaurant{r}, "2026-W45"); s.Partial || s.This.Responses != 3 {
		t.Fatalf("a past week: partial %v, %d responses", s.Partial, s.This.Responses)
	}
}

// TestDemoEstimatesStayWithinCovers: on every week of the demo's history,
// the headline estimate is ordered, within the guests served and never
// below the complaints heard (the first release said 200–1,000 unhappy
// guests of 811 served).
func TestDemoEstimatesStayWithinCovers(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	*now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if _, err := db.SeedDemo(ctx, *now); err != nil {
		t.Fatal(err)
	}
	r, err := db.RestaurantBySlug(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	w := store.WeekOf(*now, r.Location())
	for range 9 {
		w = w.Prev()
		s, err := db.Summary(ctx, []store.Restaurant{r}, w.String())
		if err != nil {
			t.Fatal(err)
		}
		e, u := s.Estimate, s.Estimate.Unhappy
		if !(u.Low <= u.Central && u.Central <= u.High) || float64(e.Floor) > u.Low ||
			(s.This.Covers > 0 && u.High > float64(s.This.Covers)) || e.Unprompted != s.This.Complained.Unprompted {
			t.Errorf("%s: %+v unhappy of %d served, %+v complaints (floor %d)", w, u, s.This.Covers, s.This.Complained, e.Floor)
		}
		t.Logf("%s: %d served, %d answers, %d rated 1–2, complaints %d unprompted + %d by survey → %.0f (%.0f–%.0f), basis %s, voice rate %.1f%% own %v (%d weeks)",
			w, s.This.Covers, s.This.Responses, s.This.Unhappy(), s.This.Complained.Unprompted, s.This.Complained.Survey,
			u.Central, u.Low, u.High, e.Basis, e.Voice.Rate.Central*100, e.Voice.Own, e.Voice.Weeks)
	}
}

// TestDayCacheFollowsChanges: a past week's days are worked out once and
// kept; an alert of that week handled later, and an erasure of a guest who
// named the team, show in the next summary all the same; a new time zone
// reads its own days.
func TestDayCacheFollowsChanges(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	const zone = "Europe/London"
	at := func(s string) { *now = local(t, zone, s) }
	at("2026-10-01 09:00")
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: zone})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSummarySettings(ctx, r.ID, store.DefaultVoiceRate, []string{"Sam"}); err != nil {
		t.Fatal(err)
	}
	r, _ = db.RestaurantBySlug(ctx, "harbour")
	tb, _ := db.CreateTable(ctx, r.ID, "Table 4")
	sam := staffUser(t, db, r, "sam@example.com", "Sam Patel", store.RoleManager)
	at("2026-10-20 19:00")
	cold := respond(t, db, tb, 1, true, "Cold soup")
	if _, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 5,
		Comment: "Sam was lovely", Contact: "ana@example.com", ContactConsent: true}); err != nil {
		t.Fatal(err)
	}
	key := store.NewToken()
	if _, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: key, Rating: 4}); err != nil {
		t.Fatal(err)
	}
	at("2026-11-02 09:00")
	read := func() store.Summary {
		t.Helper()
		s, err := db.Summary(ctx, []store.Restaurant{r}, "2026-W43")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := read()
	if s.This.Acknowledged != 0 || len(s.This.StaffNamed) != 1 || s.This.Responses != 3 {
		t.Fatalf("first read: %+v", s.This)
	}
	if n, _ := db.CachedDays(ctx, r.ID); n != 7*store.TrendWeeks {
		t.Fatalf("%d days kept, want %d", n, 7*store.TrendWeeks)
	}
	// Handled a week later: the cached day gives way.
	a, _ := db.AlertForReceipt(ctx, cold)
	if err := db.Acknowledge(ctx, r.ID, a.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	if s := read(); s.This.Acknowledged != 1 {
		t.Errorf("an alert acknowledged later: %d acknowledged", s.This.Acknowledged)
	}
	if _, err := db.EraseGuest(ctx, r.ID, sam.ID, "ana@example.com"); err != nil {
		t.Fatal(err)
	}
	if s := read(); len(s.This.StaffNamed) != 0 || s.This.Responses != 3 {
		t.Errorf("after erasing the guest who named Sam: named %v, %d responses", s.This.StaffNamed, s.This.Responses)
	}
	// The 4 sent again from its open page, changed to a 3 (no alert):
	// amended.
	if _, outcome, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: key, Rating: 3}); err != nil || outcome != store.Amended {
		t.Fatalf("the resend: %v, %v", outcome, err)
	}
	if s := read(); s.This.Ratings[2] != 1 || s.This.Ratings[3] != 0 {
		t.Errorf("after the amend, ratings %v", s.This.Ratings)
	}
	// Read twice more: the same figures from the kept days.
	if a, b := read(), read(); a.This.Acknowledged != b.This.Acknowledged || a.This.Responses != b.This.Responses || a.Trend[7] != b.Trend[7] {
		t.Errorf("reads differ: %+v / %+v", a.This, b.This)
	}
}

// TestRecoveryByDaypart: the week's calls by daypart in the restaurant's
// time: how fast, put right while there, comps, follow-ups kept on time.
func TestRecoveryByDaypart(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 16, 12, 30, 0, 0, time.UTC) // a Monday, 12:30 in London: lunch
	clock := func() time.Time { return now }
	db, err := store.Open(ctx, testDSN(t, "r.db"), store.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, tb := fixture(t, db)
	sam := staffUser(t, db, r, "sam@example.com", "Sam", store.RoleManager)
	lunch, _ := db.AlertForReceipt(ctx, submit(t, db, tb, 1, true))
	now = now.Add(90 * time.Second)
	if err := db.Acknowledge(ctx, r.ID, lunch.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Resolve(ctx, r.ID, lunch.ID, sam.ID, store.Resolution{Outcome: store.OutcomeCompedItem, Amount: store.Money{Minor: 800, Currency: r.Currency}}); err != nil {
		t.Fatal(err)
	}
	now = time.Date(2026, 11, 16, 19, 0, 0, 0, time.UTC) // dinner
	dinner, _ := db.AlertForReceipt(ctx, submit(t, db, tb, 2, true))
	promised := now.Add(24 * time.Hour)
	if err := db.Resolve(ctx, r.ID, dinner.ID, sam.ID, store.Resolution{Outcome: store.OutcomeFollowUp, FollowUpAt: promised, FollowUpWho: "ana@example.com"}); err != nil {
		t.Fatal(err)
	}
	now = promised.Add(5 * time.Minute)
	if err := db.CompleteFollowUp(ctx, r.ID, dinner.ID, sam.ID); err != nil {
		t.Fatal(err)
	}
	s, err := db.Summary(ctx, []store.Restaurant{r}, "2026-W47")
	if err != nil {
		t.Fatal(err)
	}
	by := map[store.Daypart]store.Recovery{}
	for _, rc := range s.Recovery {
		by[rc.Daypart] = rc
	}
	l, d := by[store.Lunch], by[store.Dinner]
	if med, ok := l.AckMedian(); !ok || med != 90*time.Second || l.Alerts != 1 || l.ResolvedPresent != 1 || len(l.Comps) != 1 || l.Comps[0].Total.Minor != 800 {
		t.Errorf("lunch %+v (%v)", l, med)
	}
	if d.Alerts != 1 || d.ResolvedPresent != 0 || d.FollowUps != 1 || d.FollowUpsOnTime != 1 {
		t.Errorf("dinner %+v", d)
	}
	if len(s.Recovery) != len(store.Dayparts) || by[store.Breakfast].Alerts != 0 {
		t.Errorf("dayparts %+v", s.Recovery)
	}
}
