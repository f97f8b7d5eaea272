package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// TestFormRulesLiveInTheStore: a form's rules are the store's. Each field
// the settings form gets wrong comes back with exactly the message the
// store gives for it, by that field; and lengths count characters, not
// bytes: a 14-character Japanese name (42 bytes) and a 20-character
// Japanese team name (60 bytes) are saved.
func TestFormRulesLiveInTheStore(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	a.staff(t, a.restaurant, "olga@harbour.example", "Olga", store.RoleOwner)
	cl := a.login(t, "olga@harbour.example")

	bad := store.RestaurantSettings{Name: "Harbour Kitchen", TimeZone: "Mars/Olympus", Currency: "EUR", Languages: []string{"pt", "en"},
		Rules:     store.AlertRules{MaxRating: 9, EscalateAfter: 90 * 60e9},
		VoiceRate: store.Range{Low: 0.5, Central: 0.04, High: 0.6}, TeamNames: []string{strings.Repeat("名", store.MaxTeamName+1)}}
	err := a.db.SaveSettings(ctx, a.restaurant.ID, bad)
	want := map[string]string{}
	for _, p := range store.Problems(err) {
		want[p.Field] = p.Message
	}
	for _, f := range []string{"time_zone", "max_rating", "escalate", "voice", "team"} {
		if want[f] == "" {
			t.Fatalf("the store did not refuse %s: %v", f, err)
		}
	}
	rec := cl.post("/restaurants/harbour/settings", settingsForm(url.Values{"time_zone": {"Mars/Olympus"}, "max_rating": {"9"},
		"escalate": {"90"}, "voice_low": {"50"}, "voice_central": {"4"}, "voice_high": {"60"}, "team": {strings.Repeat("名", store.MaxTeamName+1)}}))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", rec.Code)
	}
	fieldErr := regexp.MustCompile(`<p class="err" id="([a-z_]+)-error">([^<]*)</p>`)
	got := map[string]string{}
	for _, m := range fieldErr.FindAllStringSubmatch(rec.Body.String(), -1) {
		got[m[1]] = html.UnescapeString(m[2])
	}
	for f, msg := range want {
		if got[f] != msg {
			t.Errorf("field %s shows %q, want the store's %q", f, got[f], msg)
		}
	}

	name, team := "東京の小さな台所と喫茶店です", strings.Repeat("桜", 20)
	if n := len([]rune(name)); n != 14 {
		t.Fatalf("the name has %d characters", n)
	}
	rec = cl.post("/restaurants/harbour/settings", settingsForm(url.Values{"name": {name}, "team": {team + ", Sam"}}))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a Japanese name and team name: %d\n%s", rec.Code, rec.Body)
	}
	r, err := a.db.RestaurantBySlug(ctx, "harbour")
	if err != nil || r.Name != name || len(r.TeamNames) != 2 || r.TeamNames[0] != team {
		t.Fatalf("saved %q %q (%v)", r.Name, r.TeamNames, err)
	}
}
