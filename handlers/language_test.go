package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// TestDinerLanguageIsChosenAndKept: the survey is meant for the best of the
// restaurant's languages for the browser (?lang= overrides it; a language it
// does not offer gets its default), kept on the form; the response stores
// it, and the floor card names it for the manager. Until a language's pages
// are written, they say lang="en" (they are English).
func TestDinerLanguageIsChosenAndKept(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	r := a.restaurant
	if err := a.db.SaveSettings(ctx, r.ID, store.RestaurantSettings{Name: r.Name, TimeZone: r.TimeZone, Currency: "EUR",
		Languages: []string{"pt", "en", "fr", "ar", "zh-CN"}, Rules: store.DefaultAlertRules(), VoiceRate: store.DefaultVoiceRate}); err != nil {
		t.Fatal(err)
	}
	survey := "/t/" + a.tables[0].Token
	get := func(target, accept string) string {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Accept-Language", accept)
		return a.do(http.MethodGet, target, nil, req.Header).Body.String()
	}
	for _, c := range []struct{ accept, query, lang, dir string }{
		{"fr-CA,fr;q=0.9,en;q=0.5", "", "fr", "ltr"},
		{"de-DE,de;q=0.9", "", "pt", "ltr"}, // not offered: the default
		{"", "", "pt", "ltr"},
		{"ar-EG", "", "ar", "rtl"},
		{"zh-TW,zh;q=0.9", "", "zh-CN", "ltr"},
		{"en-GB", "?lang=fr", "fr", "ltr"},
		{"en-GB", "?lang=de", "en", "ltr"}, // asked for one not offered: the browser's
	} {
		body := get(survey+c.query, c.accept)
		lang, dir := views.PageLanguage(c.lang)
		if views.TextDirection(c.lang) != c.dir || !strings.Contains(body, `<html lang="`+lang+`" dir="`+dir+`">`) ||
			!strings.Contains(body, `name="lang" value="`+c.lang+`"`) {
			t.Errorf("Accept-Language %q%s: want lang %s dir %s", c.accept, c.query, c.lang, c.dir)
		}
	}
	// Sent in French: stored, the receipt is French, the card says so.
	req := httptestPost(survey, url.Values{"key": {store.NewToken()}, "rating": {"2"}, "tag": {"slow"}, "at_table": {"1"}, "lang": {"fr"}})
	req.Header.Set("Accept-Language", "en")
	rec := a.client().request(req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d", rec.Code)
	}
	receipt := a.get(rec.Header().Get("Location"))
	if lang, _ := views.PageLanguage("fr"); receipt.Header().Get("Content-Language") != lang {
		t.Fatalf("the receipt is marked %q", receipt.Header().Get("Content-Language"))
	}
	alerts, _ := a.db.ActiveAlerts(ctx, r.ID)
	if len(alerts) != 1 || alerts[0].Language != "fr" {
		t.Fatalf("stored language: %+v", alerts)
	}
	a.staff(t, r, "sam@test.example", "Sam Patel", store.RoleManager)
	if floor := a.login(t, "sam@test.example").get("/floor").Body.String(); !strings.Contains(floor, "speaks French") {
		t.Fatal("the floor card does not say the guest speaks French")
	}
	// A form with no lang (an old page) stores the browser's language.
	req = httptestPost(survey, url.Values{"key": {store.NewToken()}, "rating": {"4"}})
	req.Header.Set("Accept-Language", "ko-KR,ko;q=0.9")
	rec = a.client().request(req)
	resp, err := a.db.ResponseByPublicID(ctx, strings.TrimPrefix(rec.Header().Get("Location"), "/r/"))
	if err != nil || resp.Language != "ko" {
		t.Fatalf("a form with no lang from a Korean browser stored %q (%v)", resp.Language, err)
	}
}
