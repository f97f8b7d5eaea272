package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// TestSectionsAndShifts: an owner groups tables into sections, a manager
// says who serves each; every answer and call is attributed to the section
// and the people serving it at that moment, and moving a table later or a
// new shift does not rewrite the past.
func TestSectionsAndShifts(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 16, 12, 0, 0, 0, time.UTC)
	db, err := store.Open(ctx, testDSN(t, "s.db"), store.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, t4 := fixture(t, db)
	t5, err := db.CreateTable(ctx, r.ID, "Terrace 1")
	if err != nil {
		t.Fatal(err)
	}
	sam := staffUser(t, db, r, "sam@example.com", "Sam", store.RoleManager)
	if err := db.SetSummarySettings(ctx, r.ID, store.DefaultVoiceRate, []string{"Ana", "Bo", "Cy"}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]store.Section{
		{{Name: "Inside", Tables: []string{"Table 4"}}, {Name: "inside"}},
		{{Name: "Inside", Tables: []string{"Table 4"}}, {Name: "Out", Tables: []string{"Table 4"}}},
		{{Name: "Inside", Tables: []string{"Table 99"}}},
		{{Name: "  "}},
	} {
		if ps := store.Problems(db.SaveSections(ctx, r.ID, bad)); len(ps) != 1 || ps[0].Field != "sections" {
			t.Errorf("sections %+v: %+v", bad, ps)
		}
	}
	if err := db.SaveSections(ctx, r.ID, []store.Section{{Name: "Inside", Tables: []string{"Table 4"}}, {Name: "Terrace", Tables: []string{"Terrace 1"}}}); err != nil {
		t.Fatal(err)
	}
	sections, err := db.Sections(ctx, r.ID)
	if err != nil || len(sections) != 2 || sections[0].Name != "Inside" || sections[0].Tables[0] != "Table 4" || sections[1].Tables[0] != "Terrace 1" {
		t.Fatalf("sections %+v (%v)", sections, err)
	}
	inside, terrace := sections[0].ID, sections[1].ID
	if ps := store.Problems(db.SetShift(ctx, r.ID, inside, sam.ID, []string{"Zed"})); len(ps) != 1 || ps[0].Field != "shift" {
		t.Fatalf("a name not on the team: %+v", ps)
	}
	if err := db.SetShift(ctx, r.ID, inside, sam.ID, []string{"Ana"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetShift(ctx, r.ID, terrace, sam.ID, []string{"Bo", "Cy"}); err != nil {
		t.Fatal(err)
	}
	submit(t, db, t4, 1, true)  // Inside, Ana: a complaint
	submit(t, db, t5, 5, false) // Terrace, Bo and Cy: praise
	now = now.Add(2 * time.Hour)
	if err := db.SetShift(ctx, r.ID, inside, sam.ID, []string{"Bo"}); err != nil { // Ana goes home
		t.Fatal(err)
	}
	submit(t, db, t4, 2, false) // Inside, Bo: a complaint
	// Table 4 moves to the terrace: what was made inside stays inside.
	if err := db.SaveSections(ctx, r.ID, []store.Section{{Name: "Inside"}, {Name: "Terrace", Tables: []string{"Terrace 1", "Table 4"}}}); err != nil {
		t.Fatal(err)
	}
	shift, err := db.ShiftNow(ctx, r.ID)
	if err != nil || len(shift[inside]) != 1 || shift[inside][0] != "Bo" || len(shift[terrace]) != 2 {
		t.Fatalf("shift now %+v (%v)", shift, err)
	}
	s, err := db.Summary(ctx, []store.Restaurant{r}, "2026-W47")
	if err != nil {
		t.Fatal(err)
	}
	rw := s.Restaurants[0]
	by := map[string]store.TeamLine{}
	for _, l := range rw.BySection {
		by["section "+l.Name] = l
	}
	for _, l := range rw.ByPerson {
		by[l.Name] = l
	}
	for name, want := range map[string][3]int{ // answers, complaints, praise
		"section Inside": {2, 2, 0}, "section Terrace": {1, 0, 1}, "Ana": {1, 1, 0}, "Bo": {2, 1, 1}, "Cy": {1, 0, 1},
	} {
		l := by[name]
		if got := [3]int{l.Responses, l.Complaints, l.Praise}; got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if by["section Inside"].Alerts != 2 || by["Ana"].Alerts != 1 || by["Cy"].Alerts != 0 {
		t.Errorf("calls: inside %d, Ana %d, Cy %d", by["section Inside"].Alerts, by["Ana"].Alerts, by["Cy"].Alerts)
	}
}

// TestDemoFirstActionNamesTheTerraceAtDinner: a fresh demo's last complete
// week had a slow terrace at dinner, and "This week" says so first, naming
// the daypart and the section; its sections and who served them are there.
func TestDemoFirstActionNamesTheTerraceAtDinner(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)
	db, err := store.Open(ctx, testDSN(t, "demo.db"), store.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SeedDemo(ctx, now); err != nil {
		t.Fatal(err)
	}
	r, err := db.RestaurantBySlug(ctx, store.DemoSlug)
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.Summary(ctx, []store.Restaurant{r}, store.WeekOf(now, r.Location()).Prev().String())
	if err != nil {
		t.Fatal(err)
	}
	rw := s.Restaurants[0]
	if len(rw.Actions) == 0 {
		t.Fatal("no actions")
	}
	first := rw.Actions[0]
	if first.Kind != store.ActionTopComplaint || first.Topic != "slow" || first.Daypart != store.Dinner || first.Section != "Terrace" {
		t.Fatalf("first action %+v; all %+v", first, rw.Actions)
	}
	if len(rw.BySection) != 2 || len(rw.ByPerson) != 4 {
		t.Fatalf("by section %+v, by person %+v", rw.BySection, rw.ByPerson)
	}
}
