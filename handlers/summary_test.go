package handlers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

func TestSummaryIsForOwners(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	other, err := a.db.CreateRestaurant(context.Background(), store.Restaurant{Slug: "other", Name: "Other Place"})
	if err != nil {
		t.Fatal(err)
	}
	owner, manager := a.login(t, "owner@test.example"), a.login(t, "sam@test.example")
	for _, tc := range []struct {
		who    *client
		target string
		status int
		says   string
	}{
		{a.client(), "/summary", http.StatusSeeOther, ""},
		{a.client(), "/summary.csv?week=2026-W40", http.StatusSeeOther, ""},
		{manager, "/summary", http.StatusNotFound, "for owners"},
		{manager, "/summary.csv?week=2026-W40", http.StatusNotFound, ""},
		{manager, "/responses.csv?from=2026-10-01&to=2026-10-31", http.StatusNotFound, ""},
		{owner, "/summary", http.StatusOK, "Unhappy guests, heard or not"},
		{owner, "/summary?week=2026-W40&r=harbour", http.StatusOK, "28 Sep – 4 Oct 2026"},
		{owner, "/summary?r=" + other.Slug, http.StatusNotFound, ""},
		{owner, "/summary?week=2026-W54", http.StatusUnprocessableEntity, "There is no week 2026-W54"},
		{owner, "/summary?week=%27%20OR%201%3D1--", http.StatusUnprocessableEntity, "A week is written like"},
		{owner, "/responses.csv?from=2026-10-31&to=2026-10-01", http.StatusUnprocessableEntity, "comes before"},
		{owner, "/responses.csv?from=yesterday&to=2026-10-01", http.StatusUnprocessableEntity, "dates like"},
	} {
		rec := tc.who.get(tc.target)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.says) {
			t.Errorf("GET %s: %d, want %d saying %q\n%.300s", tc.target, rec.Code, tc.status, tc.says, rec.Body)
		}
	}
}

// TestSummaryZeroComplaints: a quiet week never reads as "all good", and a
// week without any data gives no figure at all.
func TestSummaryZeroComplaints(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	owner := a.login(t, "owner@test.example")
	body := owner.get("/summary?week=2026-W40").Body.String()
	for _, want := range []string{"No data yet: no guests served entered, no survey answers and no complaints, so no estimate.",
		"No survey responses and no complaints this week", "No guests served were entered"} {
		if !strings.Contains(body, want) {
			t.Errorf("the empty week does not say %q", want)
		}
	}
	if strings.Contains(body, "were probably unhappy") || strings.Contains(body, "may have told") {
		t.Error("a week without data gives a figure")
	}
	// 300 guests served and nothing heard: a small figure, never zero.
	if err := a.db.SetCovers(context.Background(), a.restaurant.ID, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), 300); err != nil {
		t.Fatal(err)
	}
	body = owner.get("/summary?week=2026-W40").Body.String()
	for _, want := range []string{"No complaints is not the same as no unhappy guests", "Nothing heard from the 300 guests served", "the rule of three", "TARP"} {
		if !strings.Contains(body, want) {
			t.Errorf("the quiet week does not say %q", want)
		}
	}
}

// TestExportsAreSafeInASpreadsheet puts formulas in a comment and a name and
// reads them back from the CSV as text.
func TestExportsAreSafeInASpreadsheet(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	hostile := []string{`=HYPERLINK("http://evil.example","click")`, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "ok;=1+1;", "fine, =2+2", "plain, with \"quotes\"\nand a line"}
	for i, text := range hostile {
		_, _, err := a.db.CreateResponse(context.Background(), store.NewResponse{TableToken: a.tables[0].Token,
			IdempotencyKey: store.NewToken(), Rating: 1 + i%5, Comment: text, GuestName: "=cmd|' /C calc'!A0"})
		if err != nil {
			t.Fatal(err)
		}
	}
	owner := a.login(t, "owner@test.example")
	today := time.Now().In(a.restaurant.Location()).Format(time.DateOnly)
	rec := owner.get("/responses.csv?r=harbour&from=" + today + "&to=" + today)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("responses.csv: %d %v", rec.Code, rec.Header())
	}
	raw := rec.Body.String()
	// Read as a spreadsheet with another separator would, at its worst:
	// split on semicolons, commas and tabs, quotes ignored.
	for _, cell := range strings.FieldsFunc(raw, func(r rune) bool { return strings.ContainsRune(";,\t\n", r) }) {
		if cell = strings.TrimLeft(cell, `" `); cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
			t.Errorf("split on another separator, a cell begins with a formula character: %q", cell)
		}
	}
	rows, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(hostile) {
		t.Fatalf("%d rows, want %d", len(rows), 1+len(hostile))
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("a cell begins with a formula character: %q", cell)
			}
		}
		if row[8] != "'=cmd|' /C calc'!A0" {
			t.Errorf("guest name %q", row[8])
		}
	}
	if rows[8][6] != "plain, with \"quotes\"\nand a line" || rows[6][6] != "ok;'=1+1;" {
		t.Errorf("an ordinary comment changed: %q, or a formula after a separator was kept: %q", rows[8][6], rows[6][6])
	}

	week := store.WeekOf(time.Now(), a.restaurant.Location()).String()
	rec = owner.get("/summary.csv?week=" + week)
	rows, err = csv.NewReader(rec.Body).ReadAll()
	if err != nil || rec.Code != http.StatusOK || len(rows) != 2 {
		t.Fatalf("summary.csv: %d, %v, %d rows", rec.Code, err, len(rows))
	}
	col := map[string]string{}
	for i, name := range rows[0] {
		col[name] = rows[1][i]
	}
	if col["week"] != week || col["restaurant"] != "Harbour Kitchen" || col["responses"] != "8" || col["complaints"] != "4" || col["complaints_survey"] != "4" {
		t.Errorf("summary row %v", col)
	}
}

// TestCoversForm enters a week of guests served, with a mistake first.
func TestCoversForm(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	sam := a.login(t, "sam@test.example")
	page := sam.get("/covers?week=2026-W40")
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), `name="guests-2026-09-28"`) {
		t.Fatalf("covers page: %d\n%.500s", page.Code, page.Body)
	}
	form := url.Values{"guests-2026-09-28": {"120"}, "guests-2026-09-29": {"lots"}, "guests-2026-09-30": {"1,200"}}
	rec := sam.post("/covers?r=harbour&week=2026-W40", form)
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `value="lots"`) ||
		!strings.Contains(rec.Body.String(), "Enter a whole number of guests") || !strings.Contains(rec.Body.String(), `value="120"`) {
		t.Fatalf("a bad day: %d\n%s", rec.Code, rec.Body)
	}
	ctx := context.Background()
	from, _ := time.Parse(time.DateOnly, "2026-09-28")
	if got, _ := a.db.Covers(ctx, a.restaurant.ID, from, from.AddDate(0, 0, 6)); len(got) != 0 {
		t.Fatalf("a rejected week saved %v", got)
	}
	form.Set("guests-2026-09-29", "95")
	if rec = sam.post("/covers?r=harbour&week=2026-W40", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, rec.Body)
	}
	got, _ := a.db.Covers(ctx, a.restaurant.ID, from, from.AddDate(0, 0, 6))
	if len(got) != 3 || got["2026-09-28"] != 120 || got["2026-09-29"] != 95 || got["2026-09-30"] != 1200 {
		t.Fatalf("stored %v", got)
	}
	form.Del("guests-2026-09-29") // cleared: forgotten
	sam.post("/covers?r=harbour&week=2026-W40", form)
	if got, _ = a.db.Covers(ctx, a.restaurant.ID, from, from.AddDate(0, 0, 6)); len(got) != 2 {
		t.Fatalf("after clearing a day: %v", got)
	}

	// A pasted file with two bad lines imports nothing and names both.
	rec = sam.post("/covers/import?r=harbour&week=2026-W40", url.Values{"csv": {"date,guests\n2026-09-01,80\n2026-09-31,90\n2026-09-03,-4\n"}})
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Line 3:") || !strings.Contains(body, "Line 4:") ||
		!strings.Contains(body, "2026-09-31,90") {
		t.Fatalf("bad import: %d\n%s", rec.Code, body)
	}
	sept, _ := time.Parse(time.DateOnly, "2026-09-01")
	if got, _ := a.db.Covers(ctx, a.restaurant.ID, sept, sept.AddDate(0, 0, 5)); len(got) != 0 {
		t.Fatalf("half imported: %v", got)
	}

	// An uploaded file, as a browser sends it.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", sam.csrf())
	fw, _ := mw.CreateFormFile("file", "covers.csv")
	fw.Write([]byte("2026-09-01,80\r\n2026-09-02,85\r\n"))
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/covers/import?r=harbour&week=2026-W40", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if rec = sam.request(req); rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "imported=2") {
		t.Fatalf("upload: %d %s\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if got, _ := a.db.Covers(ctx, a.restaurant.ID, sept, sept.AddDate(0, 0, 5)); got["2026-09-02"] != 85 {
		t.Fatalf("uploaded: %v", got)
	}

	// An oversized upload is refused before it is read, with a short page
	// that says why.
	big := strings.Repeat("2026-09-01,80\n", 60_000)
	rec = sam.post("/covers/import?r=harbour", url.Values{"csv": {big}})
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("an 840 KB import: %d", rec.Code)
	}
	buf.Reset()
	mw = multipart.NewWriter(&buf)
	mw.WriteField("csrf", sam.csrf())
	fw, _ = mw.CreateFormFile("file", "photo.jpg")
	fw.Write(bytes.Repeat([]byte{0xff, 0xd8, 0x00, 0x10}, 7<<18)) // 7 MB
	mw.Close()
	req = httptest.NewRequest(http.MethodPost, "/covers/import?r=harbour", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	rec = sam.request(req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "That file is over 512 KB") || rec.Body.Len() > 16<<10 {
		t.Fatalf("a 7 MB upload: %d, %d bytes\n%s", rec.Code, rec.Body.Len(), rec.Body)
	}
}

// TestOneClockDrivesTheSummary: the store and the handlers read one clock, so
// a test that pins it sees the summary of the week before it, with the
// complaint made in that week, whatever the wall clock says.
func TestOneClockDrivesTheSummary(t *testing.T) {
	now := time.Date(2026, 10, 21, 19, 0, 0, 0, time.UTC) // Wednesday of 2026-W43 in Lisbon
	a := newApp(t, handlers.Config{Now: func() time.Time { return now }})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.complain(t, "Cold soup, in week 43")
	now = time.Date(2026, 10, 28, 9, 0, 0, 0, time.UTC) // the next Wednesday
	body := a.login(t, "owner@test.example").get("/summary").Body.String()
	for _, want := range []string{"19–25 October 2026", "1 unprompted, 0 through the survey"} {
		if !strings.Contains(body, want) {
			t.Errorf("the summary on the pinned clock lacks %q", want)
		}
	}
}

// TestMoneyInYenAndEuros: a manager in a yen restaurant comps ¥1,200 and one
// in a euro restaurant €12,50: the store keeps 1200 yen and 1250 cents, the
// summary shows ¥1,200 and €12.50, and the CSV writes each with exactly its
// currency's digits.
func TestMoneyInYenAndEuros(t *testing.T) {
	now := time.Date(2026, 10, 21, 19, 0, 0, 0, time.UTC)
	a := newApp(t, handlers.Config{Now: func() time.Time { return now }})
	ctx := context.Background()
	for _, tc := range []struct {
		slug, zone, cur, typed string
		minor                  int64
		shown, csv             string
	}{
		{"tokyo", "Asia/Tokyo", "JPY", "1,200", 1200, "¥1,200", "1200 JPY"},
		{"paris", "Europe/Paris", "EUR", "12,50", 1250, "€12.50", "12.50 EUR"},
	} {
		r, err := a.db.CreateRestaurant(ctx, store.Restaurant{Slug: tc.slug, Name: tc.slug, TimeZone: tc.zone, Currency: tc.cur})
		if err != nil {
			t.Fatal(err)
		}
		tb, _ := a.db.CreateTable(ctx, r.ID, "Table 1")
		a.staff(t, r, "owner@test.example", "Olu Owner", store.RoleOwner)
		receipt, _, err := a.db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 1, AtTable: true})
		if err != nil {
			t.Fatal(err)
		}
		alert, _ := a.db.AlertForReceipt(ctx, receipt)
		owner := a.login(t, "owner@test.example")
		rec := owner.post("/floor/alerts/"+strconv.FormatInt(alert.ID, 10)+"/resolve?r="+tc.slug,
			url.Values{"outcome": {"comped-bill"}, "amount": {tc.typed}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("%s: resolve %q: %d\n%.500s", tc.slug, tc.typed, rec.Code, rec.Body)
		}
		if got, _ := a.db.AlertByID(ctx, r.ID, alert.ID); got.Amount != (store.Money{Minor: tc.minor, Currency: tc.cur}) {
			t.Fatalf("%s: %q stored as %+v, want %d", tc.slug, tc.typed, got.Amount, tc.minor)
		}
		now = time.Date(2026, 10, 28, 9, 0, 0, 0, time.UTC)
		if body := owner.get("/summary?r=" + tc.slug).Body.String(); !strings.Contains(body, tc.shown) {
			t.Errorf("%s: the summary does not show %s", tc.slug, tc.shown)
		}
		if body := owner.get("/summary.csv?week=2026-W43&r=" + tc.slug).Body.String(); !strings.Contains(body, ","+tc.csv+",") {
			t.Errorf("%s: the CSV does not say %s:\n%s", tc.slug, tc.csv, body)
		}
		now = time.Date(2026, 10, 21, 19, 0, 0, 0, time.UTC)
	}
}

// TestSummaryWeekSoFar: the current week reads "so far", its tiles compare
// it with the same days of the week before, the week is picked from a
// select (no type=week, which Firefox and Safari lack), and the page cites
// no unverified source.
func TestSummaryWeekSoFar(t *testing.T) {
	now := time.Date(2026, 10, 14, 12, 0, 0, 0, time.UTC) // Wednesday of 2026-W42 in Lisbon
	a := newApp(t, handlers.Config{Now: func() time.Time { return now }})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.complain(t, "Cold soup")
	now = now.Add(24 * time.Hour)
	body := a.login(t, "owner@test.example").get("/summary?week=2026-W42").Body.String()
	for _, want := range []string{"· so far", "vs the same days last week", `<select id="week" name="week">`,
		`<option value="2026-W42" selected>`, "About ", "1979"} {
		if !strings.Contains(body, want) {
			t.Errorf("the week so far lacks %q", want)
		}
	}
	for _, not := range []string{`type="week"`, "Goodman", "said nothing to anyone"} {
		if strings.Contains(body, not) {
			t.Errorf("the summary says %q", not)
		}
	}
}

// TestWeekPickerStartsAtFirstData: the weeks offered begin with the
// restaurant's first data, not a year of empty weeks.
func TestWeekPickerStartsAtFirstData(t *testing.T) {
	now := time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC) // W47
	a := newApp(t, handlers.Config{Now: func() time.Time { return now }})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	owner := a.login(t, "owner@test.example")
	body := owner.get("/summary?week=2026-W47").Body.String()
	if strings.Count(body, `<option value="2026-W`) != 1 {
		t.Errorf("without data the picker offers %d weeks, want this one", strings.Count(body, `<option value="2026-W`))
	}
	if err := a.db.SetCovers(context.Background(), a.restaurant.ID, time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC), 80); err != nil { // W45
		t.Fatal(err)
	}
	body = owner.get("/summary?week=2026-W47").Body.String()
	for _, w := range []string{"2026-W47", "2026-W46", "2026-W45"} {
		if !strings.Contains(body, `<option value="`+w+`"`) {
			t.Errorf("the picker lacks %s", w)
		}
	}
	if strings.Contains(body, `<option value="2026-W44"`) {
		t.Error("the picker offers a week before the first data")
	}
}
