package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// settingsForm is the settings page's form as the browser sends it.
func settingsForm(overrides url.Values) url.Values {
	f := url.Values{"name": {"Harbour Kitchen"}, "time_zone": {"Europe/Lisbon"}, "currency": {"EUR"},
		"languages": {"en", "pt"}, "default_language": {"pt"}, "max_rating": {"2"}, "urgent_tags": {"1"},
		"at_table": {"1"}, "escalate": {"3"}, "voice_low": {"1"}, "voice_central": {"4"}, "voice_high": {"5"}, "team": {"Sam"}}
	for k, v := range overrides {
		f[k] = v
	}
	return f
}

// TestSettingsEditTheRestaurant: the settings page shows and changes the
// restaurant's name, zone, currency and languages with the rules; a mistake
// saves nothing and comes back as typed.
func TestSettingsEditTheRestaurant(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	a.staff(t, a.restaurant, "olga@harbour.example", "Olga", store.RoleOwner)
	cl := a.login(t, "olga@harbour.example")
	rec := cl.get("/restaurants/harbour/settings")
	if body := rec.Body.String(); !strings.Contains(body, `value="Harbour Kitchen"`) || !strings.Contains(body, `value="Europe/Lisbon"`) ||
		rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("settings: %q\n%s", rec.Header().Get("Cache-Control"), body)
	}
	rec = cl.post("/restaurants/harbour/settings", settingsForm(url.Values{"time_zone": {"Lisbon"}, "currency": {"EURO"},
		"name": {"Harbour\nKitchen"}, "escalate": {"5"}, "country": {"XX"}}))
	body := rec.Body.String()
	for _, want := range []string{"Unknown time zone", "three-letter code", "one line", "two-letter code such as GB", `value="Lisbon"`, `value="EURO"`, `value="XX"`, `value="5"`} {
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
			t.Errorf("a bad zone, currency and name: %d, no %q", rec.Code, want)
		}
	}
	if r, _ := a.db.RestaurantBySlug(ctx, "harbour"); r.Rules.EscalateAfter.Minutes() == 5 {
		t.Fatal("a form with mistakes saved its other fields")
	}
	rec = cl.post("/restaurants/harbour/settings", settingsForm(url.Values{"name": {"  Harbour   Kitchen & Bar "},
		"time_zone": {"Atlantic/Madeira"}, "currency": {"eur"}, "languages": {"en", "fr"}, "default_language": {"pt"}, "escalate": {"4"},
		"country": {"pt"}}))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, rec.Body)
	}
	r, err := a.db.RestaurantBySlug(ctx, "harbour")
	if err != nil || r.Name != "Harbour Kitchen & Bar" || r.TimeZone != "Atlantic/Madeira" || r.Currency != "EUR" ||
		strings.Join(r.Languages, ",") != "pt,en,fr" || r.Rules.EscalateAfter.Minutes() != 4 || r.Country != "PT" {
		t.Fatalf("saved: %+v %v", r, err)
	}
}

// TestOwnerAddsARestaurant: an owner adds another restaurant from the web
// and owns it; a manager cannot; a taken slug comes back as typed.
func TestOwnerAddsARestaurant(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	a.staff(t, a.restaurant, "olga@harbour.example", "Olga", store.RoleOwner)
	a.staff(t, a.restaurant, "mia@harbour.example", "Mia", store.RoleManager)
	if rec := a.login(t, "mia@harbour.example").get("/restaurants/new"); rec.Code != http.StatusNotFound {
		t.Fatalf("a manager may add restaurants: %d", rec.Code)
	}
	cl := a.login(t, "olga@harbour.example")
	if body := cl.get("/restaurants/new").Body.String(); !strings.Contains(body, `value="Europe/Lisbon"`) {
		t.Fatalf("the form does not start from the owner's restaurant:\n%s", body)
	}
	form := url.Values{"name": {"Harbour Kitchen"}, "slug": {"harbour"}, "time_zone": {"Europe/Lisbon"}, "currency": {"EUR"}, "languages": {"en"}, "default_language": {"en"}}
	if rec := cl.post("/restaurants/new", form); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "exists already") ||
		!strings.Contains(rec.Body.String(), `value="harbour"`) {
		t.Fatalf("a taken slug: %d\n%s", rec.Code, rec.Body)
	}
	form.Set("name", "Harbour Kitchen Porto")
	form.Del("slug")
	rec := cl.post("/restaurants/new", form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/restaurants/harbour-kitchen-porto" {
		t.Fatalf("add: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if rec := cl.get("/restaurants/harbour-kitchen-porto/settings"); rec.Code != http.StatusOK {
		t.Fatalf("the new restaurant's settings: %d", rec.Code)
	}
	if _, err := a.db.RestaurantBySlug(ctx, "harbour-kitchen-porto"); err != nil {
		t.Fatal(err)
	}
}
