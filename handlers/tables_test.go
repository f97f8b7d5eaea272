package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

func TestTablesPages(t *testing.T) {
	a := newApp(t, handlers.Config{BaseURL: "https://feedback.example.com/"})
	a.staff(t, a.restaurant, "owner@harbour.test", "Olu", store.RoleOwner)
	cl := a.login(t, "owner@harbour.test")
	tp := "/restaurants/harbour/tables"
	id := strconv.FormatInt(a.tables[0].ID, 10)

	list := cl.get(tp)
	if list.Code != http.StatusOK || !strings.Contains(list.Body.String(), "Table 2") || strings.Count(list.Body.String(), "<svg") != 2 {
		t.Fatalf("tables page: %d\n%s", list.Code, list.Body)
	}
	cards := cl.get(tp + "/cards")
	body := cards.Body.String()
	if cards.Code != http.StatusOK || strings.Count(body, `class="card"`) != 2 || strings.Count(body, "<svg") != 2 ||
		!strings.Contains(body, "https://feedback.example.com/t/"+a.tables[0].Token) || !strings.Contains(body, "Harbour Kitchen") {
		t.Fatalf("cards page: %d\n%s", cards.Code, body)
	}
	qr := cl.get(tp + "/" + id + "/qr.svg")
	if qr.Code != http.StatusOK || qr.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(qr.Body.String(), "<svg") {
		t.Fatalf("qr.svg: %d %q", qr.Code, qr.Header().Get("Content-Type"))
	}

	if !strings.Contains(body, "2 cards, 4 to a page: 1 A4 or US Letter pages") || !strings.Contains(body, "<h1>") || !strings.Contains(body, "data-print") {
		t.Errorf("the cards page does not say what it prints, or has no heading or Print button:\n%s", body)
	}

	if page := list.Body.String(); !strings.Contains(page, "stops working at once") || !strings.Contains(page, "Make a new QR code") {
		t.Error("a new QR code is not confirmed first")
	}
	rotate := cl.post(tp+"/"+id+"/rotate", nil)
	if rotate.Code != http.StatusSeeOther || rotate.Header().Get("Location") != tp+"?done=rotated&table="+id {
		t.Fatalf("rotate: %d %q", rotate.Code, rotate.Header().Get("Location"))
	}
	if a.get("/t/"+a.tables[0].Token).Code != http.StatusNotFound {
		t.Fatal("the rotated-away token still opens the survey")
	}
	done := cl.get(rotate.Header().Get("Location")).Body.String()
	if !strings.Contains(done, "old card no longer works") || !strings.Contains(done, tp+"/"+id+"/undo-rotate") {
		t.Error("no confirmation with an undo after rotating")
	}
	// Undo: the printed card works again; a second undo has nothing to undo.
	if rec := cl.post(tp+"/"+id+"/undo-rotate", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("undo: %d", rec.Code)
	}
	if a.get("/t/"+a.tables[0].Token).Code != http.StatusOK {
		t.Fatal("after the undo the old card does not open the survey")
	}
	if rec := cl.post(tp+"/"+id+"/undo-rotate", nil); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "can no longer be undone") {
		t.Fatalf("a second undo: %d", rec.Code)
	}

	add := cl.post(tp, url.Values{"label": {"Bar 1"}})
	if add.Code != http.StatusSeeOther {
		t.Fatalf("add: %d", add.Code)
	}
	dup := cl.post(tp, url.Values{"label": {"Bar 1"}})
	if dup.Code != http.StatusUnprocessableEntity || !strings.Contains(dup.Body.String(), "already a table called") ||
		!strings.Contains(dup.Body.String(), `value="Bar 1"`) {
		t.Fatalf("duplicate label: %d\n%s", dup.Code, dup.Body)
	}
	if empty := cl.post(tp, url.Values{"label": {"  "}}); empty.Code != http.StatusUnprocessableEntity {
		t.Fatalf("empty label: %d", empty.Code)
	}

	id2 := strconv.FormatInt(a.tables[1].ID, 10)
	retire := cl.post(tp+"/"+id2+"/retire", nil)
	if retire.Code != http.StatusSeeOther {
		t.Fatalf("retire: %d", retire.Code)
	}
	tables, _ := a.db.ActiveTables(context.Background(), a.restaurant.ID)
	if len(tables) != 2 || tables[0].Label != "Bar 1" && tables[1].Label != "Bar 1" {
		t.Fatalf("active tables after add and retire: %+v", tables)
	}
	if page := cl.get(retire.Header().Get("Location")).Body.String(); !strings.Contains(page, tp+"/"+id2+"/restore") || !strings.Contains(page, "Retired tables") {
		t.Fatal("no undo, or no list of retired tables, after retiring")
	}
	// Brought back, with its card working; not while another has its label.
	if rec := cl.post(tp, url.Values{"label": {"Table 2"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a new Table 2: %d", rec.Code)
	}
	if rec := cl.post(tp+"/"+id2+"/restore", nil); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "Another table is called") {
		t.Fatalf("restoring over a label in use: %d", rec.Code)
	}
	tables, _ = a.db.ActiveTables(context.Background(), a.restaurant.ID)
	for _, tb := range tables {
		if tb.Label == "Table 2" {
			cl.post(tp+"/"+strconv.FormatInt(tb.ID, 10)+"/retire", nil)
		}
	}
	if rec := cl.post(tp+"/"+id2+"/restore", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("restore: %d", rec.Code)
	}
	if a.get("/t/"+a.tables[1].Token).Code != http.StatusOK {
		t.Fatal("a table brought back does not open its survey")
	}
}

func TestTablesNotFound(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	other, err := a.db.CreateRestaurant(ctx, store.Restaurant{Slug: "other", Name: "Other Place"})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := a.db.CreateTable(ctx, other.ID, "Table 1")
	if err != nil {
		t.Fatal(err)
	}
	theirID := strconv.FormatInt(theirs.ID, 10)
	a.staff(t, a.restaurant, "owner@harbour.test", "Olu", store.RoleOwner)
	cl := a.login(t, "owner@harbour.test")
	for _, tc := range []struct{ method, path string }{
		{"GET", "/restaurants/nowhere/tables"},
		{"GET", "/restaurants/other/tables"}, // exists, but not theirs
		{"GET", "/restaurants/nowhere/tables/cards"},
		{"GET", "/restaurants/harbour/tables/" + theirID + "/qr.svg"}, // another restaurant's table
		{"POST", "/restaurants/harbour/tables/" + theirID + "/rotate"},
		{"POST", "/restaurants/harbour/tables/" + theirID + "/retire"},
		{"GET", "/restaurants/harbour/tables/abc/qr.svg"},
		{"GET", "/restaurants/harbour/tables/1%20OR%201=1/qr.svg"},
		{"GET", "/restaurants/..%2F..%2Fetc/tables"},
	} {
		var rec *httptest.ResponseRecorder
		if tc.method == "GET" {
			rec = cl.get(tc.path)
		} else {
			rec = cl.post(tc.path, nil)
		}
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "<h1>Not found</h1>") {
			t.Errorf("%s %s: %d", tc.method, tc.path, rec.Code)
		}
	}
	if got, _ := a.db.SurveyTargetByToken(ctx, theirs.Token); got.Table.ID != theirs.ID {
		t.Fatal("another restaurant's table was changed")
	}
}

// TestTableCardsInvite: a card calls diners to scan in the restaurant's
// default language, or in the one or two of its languages the owner picks;
// one it does not offer, or a third, is not printed.
func TestTableCardsInvite(t *testing.T) {
	a := newApp(t, handlers.Config{})
	offerAll(t, a)
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	owner := a.login(t, "owner@test.example")
	invite := func(lang string) string {
		return `<p class="invite" lang="` + lang + `" dir="` + views.TextDirection(lang) + `">` + html.EscapeString(views.Translator(lang).S("card.invite")) + `</p>`
	}
	for _, c := range []struct {
		query     string
		want, not []string
	}{
		{"", []string{"en"}, []string{"ar", "pt"}},
		{"?lang=pt&lang=ar", []string{"pt", "ar"}, []string{"en"}},
		{"?lang=ja&lang=ko&lang=fr", []string{"fr", "ja"}, []string{"ko", "en"}}, // two, in the restaurant's order
		{"?lang=xx", []string{"en"}, nil},
	} {
		body := owner.get("/restaurants/harbour/tables/cards" + c.query).Body.String()
		for _, lang := range c.want {
			if strings.Count(body, invite(lang)) != len(a.tables) {
				t.Errorf("%s: not every card calls in %s", c.query, lang)
			}
		}
		for _, lang := range c.not {
			if strings.Contains(body, invite(lang)) {
				t.Errorf("%s: the cards call in %s too", c.query, lang)
			}
		}
	}
}

// TestCardsWarnOfUnreachableLinks: the cards page says to check before
// printing when its QR codes would open localhost or a private address,
// and says nothing under a public base URL.
func TestCardsWarnOfUnreachableLinks(t *testing.T) {
	for base, warn := range map[string]bool{"https://feedback.example.com": false, "http://localhost:8080": true,
		"http://192.168.1.20:8080": true, "http://tableside.local": true, "http://203.0.113.7": false} {
		a := newApp(t, handlers.Config{BaseURL: base})
		a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
		body := a.login(t, "owner@test.example").get("/restaurants/harbour/tables/cards").Body.String()
		if got := strings.Contains(body, "Check before printing"); got != warn {
			t.Errorf("base URL %s: warned %v, want %v", base, got, warn)
		}
	}
}
