package handlers_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// TestDinerLanguageIsChosenAndKept: the survey is meant for the best of the
// restaurant's languages for the browser (?lang= overrides it; a language it
// does not offer gets its default), kept on the form; the response stores
// it, and the floor card names it for the manager.
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
	// The week's summary says which languages guests wrote in.
	a.staff(t, r, "olu@test.example", "Olu Owner", store.RoleOwner)
	week := store.WeekOf(time.Now(), r.Location()).String()
	if sum := a.login(t, "olu@test.example").get("/summary?week=" + week).Body.String(); !strings.Contains(sum, "French (1)") {
		t.Error("the summary does not say a guest wrote in French")
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

// TestEachLanguageByHeaderAndQuery: every one of the ten languages is
// chosen by a browser asking for it (with a region, as browsers send it)
// and by ?lang=, and its survey, its error pages and the receipt of a
// response sent in it speak it, Arabic right to left.
func TestEachLanguageByHeaderAndQuery(t *testing.T) {
	a := newApp(t, handlers.Config{})
	offerAll(t, a)
	survey := "/t/" + a.tables[0].Token
	browsers := map[string]string{"en": "en-US,en;q=0.9", "es": "es-MX,es;q=0.9", "fr": "fr-BE,fr;q=0.9", "de": "de-AT",
		"it": "it-IT,it;q=0.8,en;q=0.5", "pt": "pt-BR,pt;q=0.9", "zh-CN": "zh-Hans-CN,zh;q=0.9", "ja": "ja-JP", "ko": "ko-KR,ko;q=0.9", "ar": "ar-SA,ar;q=0.9"}
	for _, lang := range store.DinerLanguages {
		tr := views.Translator(lang)
		page := func(target, accept string) (*httptest.ResponseRecorder, string) {
			h := http.Header{}
			h.Set("Accept-Language", accept)
			rec := a.do(http.MethodGet, target, nil, h)
			return rec, rec.Body.String()
		}
		want := `<html lang="` + lang + `" dir="` + views.TextDirection(lang) + `">`
		for _, c := range []struct{ how, target, accept string }{
			{"Accept-Language", survey, browsers[lang]},
			{"?lang=", survey + "?lang=" + url.QueryEscape(lang), "ko-KR"},
		} {
			rec, body := page(c.target, c.accept)
			if !strings.Contains(body, want) || !strings.Contains(body, html.EscapeString(tr.S("survey.heading"))) ||
				!strings.Contains(body, html.EscapeString(tr.S("tag.foreign-object"))) || rec.Header().Get("Content-Language") != lang {
				t.Errorf("%s by %s: not in %s (Content-Language %q)", lang, c.how, lang, rec.Header().Get("Content-Language"))
			}
		}
		// A QR code no longer in use, a receipt that is not there: their
		// pages too, for the browser's language.
		for _, c := range []struct{ target, key string }{{"/t/AAAAAAAAAAAAAAAAAAAAAA", "error.unknown-table"}, {"/r/AAAAAAAAAAAAAAAAAAAAAA", "error.unknown-receipt"}} {
			rec, body := page(c.target, browsers[lang])
			if rec.Code != http.StatusNotFound || !strings.Contains(body, want) || !strings.Contains(body, html.EscapeString(tr.S(c.key))) {
				t.Errorf("%s: %s is %d and not in %s", lang, c.target, rec.Code, lang)
			}
		}
		// Sent from the page in that language, from a browser set to
		// another: the receipt follows the page.
		req := httptestPost(survey, url.Values{"key": {store.NewToken()}, "rating": {"5"}, "at_table": {"1"}, "lang": {lang}})
		req.Header.Set("Accept-Language", "ko-KR")
		rec := a.client().request(req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("%s: submit %d", lang, rec.Code)
		}
		_, body := page(rec.Header().Get("Location"), "ko-KR")
		if !strings.Contains(body, want) || !strings.Contains(body, html.EscapeString(tr.S("alert.asked"))) || !strings.Contains(body, html.EscapeString(tr.S("receipt.rating", 5))) {
			t.Errorf("%s: the receipt is not in the survey's language", lang)
		}
	}
}

// TestSurveyBytesPerLanguage: a diner's first visit is one document, CSS
// and script inside it, of at most 6 KB gzipped in every language (as the
// server sends it, Content-Encoding gzip).
func TestSurveyBytesPerLanguage(t *testing.T) {
	a := newApp(t, handlers.Config{})
	offerAll(t, a)
	const limit = 6 * 1024
	var sizes []string
	for _, lang := range store.DinerLanguages {
		h := http.Header{}
		h.Set("Accept-Encoding", "gzip")
		rec := a.do(http.MethodGet, "/t/"+a.tables[0].Token+"?lang="+url.QueryEscape(lang), nil, h)
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: the survey is not sent gzipped", lang)
		}
		zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(plain, []byte(`rel="stylesheet"`)) || bytes.Contains(plain, []byte("<script src")) {
			t.Errorf("%s: the survey fetches a stylesheet or script before it can be used", lang)
		}
		if n := rec.Body.Len(); n > limit {
			t.Errorf("%s: the survey is %d bytes gzipped, over %d", lang, n, limit)
		}
		sizes = append(sizes, fmt.Sprintf("%s %d (%d)", lang, rec.Body.Len(), len(plain)))
	}
	t.Logf("survey, bytes gzipped (plain): %s", strings.Join(sizes, ", "))
}
