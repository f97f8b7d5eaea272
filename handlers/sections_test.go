package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// TestSectionsFromTablesToSummary: an owner groups the tables into sections
// on the tables page, a manager says on the floor who serves each, and the
// week's summary and its JSON show each section and each person; mistakes
// come back with what was typed.
func TestSectionsFromTablesToSummary(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	owner, sam := a.login(t, "owner@test.example"), a.login(t, "sam@test.example")
	if err := a.db.SetSummarySettings(ctx, a.restaurant.ID, store.DefaultVoiceRate, []string{"Ana", "Bo"}); err != nil {
		t.Fatal(err)
	}
	bad := owner.post("/restaurants/harbour/sections", url.Values{"sections": {"Inside: Table 1\r\nOut: Table 99"}})
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body.String(), "There is no table &#34;Table 99&#34;") ||
		!strings.Contains(bad.Body.String(), "Out: Table 99") {
		t.Fatalf("a table that is not there: %d\n%.400s", bad.Code, bad.Body)
	}
	if rec := owner.post("/restaurants/harbour/sections", url.Values{"sections": {"Inside: Table 1\r\nOut: Table 2\r\n"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("sections: %d", rec.Code)
	}
	if page := owner.get("/restaurants/harbour/tables").Body.String(); !strings.Contains(page, "Inside: Table 1\nOut: Table 2") {
		t.Fatal("the tables page does not show the sections")
	}
	sections, _ := a.db.Sections(ctx, a.restaurant.ID)
	inside := strconv.FormatInt(sections[0].ID, 10)
	floor := sam.get("/floor").Body.String()
	if !strings.Contains(floor, "Who serves where") || !strings.Contains(floor, `value="Ana"`) {
		t.Fatal("the floor has no way to say who serves where")
	}
	if rec := sam.post("/floor/shifts?r=harbour", url.Values{"section": {inside}, "person": {"Zed"}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "is not on the team") {
		t.Fatalf("a name not on the team: %d", rec.Code)
	}
	if rec := sam.post("/floor/shifts?r=harbour", url.Values{"section": {inside}, "person": {"Ana"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("shift: %d", rec.Code)
	}
	if floor := sam.get("/floor").Body.String(); !strings.Contains(floor, `value="Ana" checked`) {
		t.Fatal("the floor does not show who serves now")
	}
	a.complain(t, "Cold soup") // Table 1: inside, Ana
	week := store.WeekOf(time.Now(), a.restaurant.Location()).String()
	summary := owner.get("/summary?week=" + week).Body.String()
	if !strings.Contains(summary, "By section and by who served") || !strings.Contains(summary, `<th scope="row">Inside</th>`) ||
		!strings.Contains(summary, `<th scope="row">Ana</th>`) {
		t.Fatalf("the summary lacks the sections and people")
	}
	rec := owner.get("/summary.json?r=harbour&week=" + week)
	var doc struct {
		BySection []struct {
			Name       string `json:"name"`
			Complaints int    `json:"complaints"`
		} `json:"by_section"`
		ByPerson []struct {
			Name   string `json:"name"`
			Alerts int    `json:"alerts"`
		} `json:"by_person"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || len(doc.BySection) != 1 || doc.BySection[0].Name != "Inside" ||
		doc.BySection[0].Complaints != 1 || len(doc.ByPerson) != 1 || doc.ByPerson[0].Name != "Ana" || doc.ByPerson[0].Alerts != 1 {
		t.Fatalf("summary.json: %+v (%v)\n%s", doc, err, rec.Body)
	}
}

// TestManagersSeeTheirOwnWeek: a manager reads their own line (by their
// first name among the team's), not the owners' summary of everyone.
func TestManagersSeeTheirOwnWeek(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	a.staff(t, a.restaurant, "ana@test.example", "Ana Lima", store.RoleManager)
	a.staff(t, a.restaurant, "zed@test.example", "Zed Moss", store.RoleManager)
	if err := a.db.SetSummarySettings(ctx, a.restaurant.ID, store.DefaultVoiceRate, []string{"Ana", "Bo"}); err != nil {
		t.Fatal(err)
	}
	if err := a.db.SaveSections(ctx, a.restaurant.ID, []store.Section{{Name: "Inside", Tables: []string{"Table 1", "Table 2"}}}); err != nil {
		t.Fatal(err)
	}
	sections, _ := a.db.Sections(ctx, a.restaurant.ID)
	ana := a.login(t, "ana@test.example")
	if rec := ana.post("/floor/shifts?r=harbour", url.Values{"section": {strconv.FormatInt(sections[0].ID, 10)}, "person": {"Ana", "Bo"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("shift: %d", rec.Code)
	}
	a.complain(t, "Cold soup")
	week := store.WeekOf(time.Now(), a.restaurant.Location()).String()
	page := ana.get("/floor/week?r=harbour&week=" + week).Body.String()
	if !strings.Contains(page, "Ana's week") || !strings.Contains(page, "<dt>Complaints</dt><dd>1</dd>") || strings.Contains(page, ">Bo<") {
		t.Fatalf("Ana's week:\n%.1500s", page)
	}
	if rec := ana.get("/summary?r=harbour"); rec.Code == http.StatusOK {
		t.Fatal("a manager reads the owners' summary of everyone")
	}
	if page := a.login(t, "zed@test.example").get("/floor/week?r=harbour&week=" + week).Body.String(); !strings.Contains(page, "is not among the team") {
		t.Fatal("someone off the team is not told why nothing is counted")
	}
}
