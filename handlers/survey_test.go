package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

var keyField = regexp.MustCompile(`name="key" value="([A-Za-z0-9_-]+)"`)

// formKey opens a table's survey and returns the idempotency key it carries.
func (a *app) formKey(t *testing.T, token string) string {
	t.Helper()
	rec := a.get("/t/" + token)
	m := keyField.FindStringSubmatch(rec.Body.String())
	if rec.Code != http.StatusOK || m == nil {
		t.Fatalf("GET survey: %d, key %v", rec.Code, m)
	}
	return m[1]
}

func (a *app) count(t *testing.T) int {
	t.Helper()
	n, err := a.db.CountResponses(context.Background(), a.restaurant.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSurveyPage(t *testing.T) {
	a := newApp(t, handlers.Config{})
	rec := a.get("/t/" + a.tables[1].Token + "?check=A-1042")
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	for _, want := range []string{
		"Harbour Kitchen", "Table 2", `action="/t/` + a.tables[1].Token + `"`, `name="rating" value="5"`,
		`name="tag" value="foreign-object"`, `name="comment"`, `name="at_table"`, `name="consent"`,
		`name="check" value="A-1042"`, "Up to 500 characters.", `<label class="label" for="comment">`, `<meta name="robots" content="noindex">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("survey page lacks %s", want)
		}
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q: a cached form would reuse its idempotency key", got)
	}
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	if !strings.Contains(body, "<style>") || strings.Contains(body, `rel="stylesheet"`) {
		t.Error("the survey's CSS is not inlined: a stylesheet costs a second round trip")
	}
	inlineAllowed(t, "the survey", body, rec.Header().Get("Content-Security-Policy"))
	// A key in the URL is ignored: two diners opening one shared link must
	// not share a key.
	if strings.Contains(a.get("/t/"+a.tables[1].Token+"?key=shared-link-key-0123").Body.String(), "shared-link-key-0123") {
		t.Error("the survey took its idempotency key from the URL")
	}
	if strings.Contains(a.get("/t/"+a.tables[1].Token+"?check=%3Cscript%3E").Body.String(), `name="check"`) {
		t.Error("a malformed check number was kept")
	}
	// Two visits get two different keys.
	first, second := a.formKey(t, a.tables[0].Token), a.formKey(t, a.tables[0].Token)
	if first == second {
		t.Error("two renderings share one idempotency key")
	}
}

func TestSurveySubmit(t *testing.T) {
	long := strings.Repeat("é", store.MaxComment)
	tests := []struct {
		name      string
		form      url.Values
		status    int
		wantError string   // a message next to a field
		wantKept  []string // what the diner typed, shown again
	}{
		{"valid", url.Values{"rating": {"4"}, "tag": {"food", "slow"}, "comment": {"Lovely, a bit slow"}}, http.StatusSeeOther, "", nil},
		{"rating only", url.Values{"rating": {"1"}}, http.StatusSeeOther, "", nil},
		{"comment at the limit", url.Values{"rating": {"3"}, "comment": {long}}, http.StatusSeeOther, "", nil},
		{"contact with consent", url.Values{"rating": {"2"}, "contact": {"+44 7700 900123"}, "consent": {"1"}, "name": {"Ana"}}, http.StatusSeeOther, "", nil},
		{"missing rating", url.Values{"comment": {"Soup was cold"}, "tag": {"cold-food"}, "contact": {"ana@example.com"}, "consent": {"1"}},
			http.StatusUnprocessableEntity, "Please tap a rating from 1 to 5 — or tick “I&#39;m still at the table”", []string{"Soup was cold", `value="cold-food" checked`, "ana@example.com"}},
		{"nothing at all", url.Values{}, http.StatusUnprocessableEntity, "Please tap a rating from 1 to 5", nil},
		// The box alone calls someone over: no rating is asked of a guest
		// who needs help.
		{"only at the table", url.Values{"at_table": {"1"}}, http.StatusSeeOther, "", nil},
		{"at the table, a complaint, no rating", url.Values{"at_table": {"1"}, "tag": {"allergy"}, "comment": {"Is there nut in this?"}}, http.StatusSeeOther, "", nil},
		{"rating 0 at the table", url.Values{"rating": {"0"}, "at_table": {"1"}}, http.StatusUnprocessableEntity, "Please tap a rating", []string{`name="at_table" value="1" checked`}},
		{"rating 0", url.Values{"rating": {"0"}, "comment": {"hmm"}}, http.StatusUnprocessableEntity, "Please tap a rating", []string{"hmm"}},
		{"rating 6", url.Values{"rating": {"6"}}, http.StatusUnprocessableEntity, "Please tap a rating", nil},
		{"rating not a number", url.Values{"rating": {"5; DROP TABLE responses"}}, http.StatusUnprocessableEntity, "Please tap a rating", nil},
		{"unknown tag", url.Values{"rating": {"2"}, "tag": {"slow", "<b>evil</b>"}, "comment": {"typed"}}, http.StatusUnprocessableEntity, "Please choose from the options shown.", []string{"typed", `value="slow" checked`}},
		{"comment too long", url.Values{"rating": {"3"}, "comment": {long + "x"}}, http.StatusUnprocessableEntity, "Please keep it to 500 characters: this is 501.", []string{long + "x"}},
		{"name too long", url.Values{"rating": {"3"}, "name": {strings.Repeat("n", 41)}}, http.StatusUnprocessableEntity, "Please keep your name to 40 characters.", nil},
		{"contact without consent", url.Values{"rating": {"1"}, "contact": {"ana@example.com"}}, http.StatusUnprocessableEntity, "we keep contact details only with your permission", []string{"ana@example.com"}},
		{"consent without contact", url.Values{"rating": {"1"}, "consent": {"1"}}, http.StatusUnprocessableEntity, "Add a phone number or email", nil},
		{"contact not plausible", url.Values{"rating": {"1"}, "contact": {"call me"}, "consent": {"1"}}, http.StatusUnprocessableEntity, "look like a phone number or an email", []string{"call me"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newApp(t, handlers.Config{})
			tt.form.Set("key", a.formKey(t, a.tables[0].Token))
			rec := a.post("/t/"+a.tables[0].Token, tt.form)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d\n%s", rec.Code, tt.status, rec.Body)
			}
			body := rec.Body.String()
			if tt.status != http.StatusSeeOther {
				if !strings.Contains(body, tt.wantError) || !strings.Contains(body, `class="err"`) {
					t.Errorf("page lacks the message %q", tt.wantError)
				}
				for _, kept := range tt.wantKept {
					if !strings.Contains(body, kept) {
						t.Errorf("page lost what the diner typed: %q", kept)
					}
				}
				if !strings.Contains(body, `value="`+tt.form.Get("key")+`"`) {
					t.Error("the re-rendered form changed its idempotency key")
				}
				if n := a.count(t); n != 0 {
					t.Errorf("%d responses stored from invalid input", n)
				}
				return
			}
			loc := rec.Header().Get("Location")
			if !strings.HasPrefix(loc, "/r/") || a.count(t) != 1 {
				t.Fatalf("Location %q, %d stored", loc, a.count(t))
			}
			receipt := a.get(loc)
			if receipt.Code != http.StatusOK || !strings.Contains(receipt.Body.String(), "Thank you") {
				t.Fatalf("receipt: %d\n%s", receipt.Code, receipt.Body)
			}
		})
	}
}

func TestSurveyReplayReturnsSameReceipt(t *testing.T) {
	a := newApp(t, handlers.Config{})
	form := url.Values{"key": {a.formKey(t, a.tables[0].Token)}, "rating": {"2"}, "comment": {"Cold fries"}}
	first := a.post("/t/"+a.tables[0].Token, form)
	for range 3 {
		again := a.post("/t/"+a.tables[0].Token, form)
		if again.Code != http.StatusSeeOther || again.Header().Get("Location") != first.Header().Get("Location") {
			t.Fatalf("replay: %d %q, first %q", again.Code, again.Header().Get("Location"), first.Header().Get("Location"))
		}
	}
	if n := a.count(t); n != 1 {
		t.Fatalf("%d responses stored, want 1", n)
	}
	// The same key at another table is another diner's form.
	other := a.post("/t/"+a.tables[1].Token, form)
	if other.Header().Get("Location") == first.Header().Get("Location") || a.count(t) != 2 {
		t.Fatal("a key replayed at another table returned the first table's receipt")
	}
}

func TestSurveyOversizedBody(t *testing.T) {
	a := newApp(t, handlers.Config{})
	form := url.Values{"key": {a.formKey(t, a.tables[0].Token)}, "rating": {"3"}, "comment": {strings.Repeat("x", 20<<10)}}
	rec := a.post("/t/"+a.tables[0].Token, form)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "shorten") {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body)
	}
	if a.count(t) != 0 {
		t.Fatal("an oversized body was stored")
	}
}

func TestSurveyUnknownRotatedAndRetiredTokens(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	old := a.tables[0].Token
	rotated, err := a.db.RotateTableToken(ctx, a.restaurant.ID, a.tables[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.RetireTable(ctx, a.restaurant.ID, a.tables[1].ID); err != nil {
		t.Fatal(err)
	}
	valid := url.Values{"key": {store.NewToken()}, "rating": {"5"}}
	for name, token := range map[string]string{
		"unknown": store.NewToken(), "rotated away": old, "retired": a.tables[1].Token,
		"malformed": "..%2F..%2Fetc%2Fpasswd", "sql": "x'%20OR%20'1'='1",
	} {
		for method, rec := range map[string]*httptest.ResponseRecorder{
			"GET": a.get("/t/" + token), "POST": a.post("/t/"+token, valid),
		} {
			if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "in use any more") {
				t.Errorf("%s %s: status %d\n%s", method, name, rec.Code, rec.Body)
			}
		}
	}
	if rec := a.get("/t/" + rotated.Token); rec.Code != http.StatusOK {
		t.Fatalf("new token: %d", rec.Code)
	}
	if a.count(t) != 0 {
		t.Fatal("a response was stored for an inactive table")
	}
}

func TestSurveyRateLimitKeepsInput(t *testing.T) {
	a := newApp(t, handlers.Config{SurveyLimit: 3})
	var last int
	for i := range 4 {
		form := url.Values{"key": {store.NewToken()}, "rating": {"2"}, "comment": {"attempt " + string(rune('A'+i))}}
		rec := a.post("/t/"+a.tables[0].Token, form)
		last = rec.Code
		if i < 3 && rec.Code != http.StatusSeeOther {
			t.Fatalf("submission %d: %d", i, rec.Code)
		}
		if i == 3 {
			body := rec.Body.String()
			if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" ||
				!strings.Contains(body, "attempt D") || !strings.Contains(body, "wait a minute") {
				t.Fatalf("status %d, Retry-After %q\n%s", rec.Code, rec.Header().Get("Retry-After"), body)
			}
		}
	}
	if last != http.StatusTooManyRequests || a.count(t) != 3 {
		t.Fatalf("last status %d, %d stored", last, a.count(t))
	}
}

func TestReceiptEscapesAndHidesUnknown(t *testing.T) {
	a := newApp(t, handlers.Config{})
	evil := `<script>alert(1)</script><img src=x onerror=alert(1)>`
	rec := a.post("/t/"+a.tables[0].Token, url.Values{"key": {store.NewToken()}, "rating": {"1"}, "comment": {evil}, "name": {"<b>Bo</b>"}})
	receipt := a.get(rec.Header().Get("Location"))
	body := receipt.Body.String()
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "<b>Bo</b>") {
		t.Fatal("the receipt renders the diner's text as markup")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("the comment is not shown as text:\n%s", body)
	}
	for _, id := range []string{store.NewToken(), "short", "%3Cscript%3E"} {
		if rec := a.get("/r/" + id); rec.Code != http.StatusNotFound {
			t.Errorf("receipt %q: %d", id, rec.Code)
		}
	}
}

func TestSurveyStoresLanguageAndCheck(t *testing.T) {
	a := newApp(t, handlers.Config{})
	form := url.Values{"key": {store.NewToken()}, "rating": {"5"}, "check": {"A-1042"}}
	rec := a.do(http.MethodPost, "/t/"+a.tables[0].Token, strings.NewReader(form.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "Accept-Language": {"pt-PT,pt;q=0.9,en;q=0.5"},
	})
	r, err := a.db.ResponseByPublicID(context.Background(), strings.TrimPrefix(rec.Header().Get("Location"), "/r/"))
	if err != nil || r.Language != "pt" || r.CheckNumber != "A-1042" {
		t.Fatalf("stored %+v, %v", r, err)
	}
}

// TestEditedResendIsNotDropped: after Back, a changed form sent again goes
// to the same receipt, which says the change was made; once the response
// has raised its alert, it says plainly (in the diner's language) that the
// change was not made.
func TestEditedResendIsNotDropped(t *testing.T) {
	a := newApp(t, handlers.Config{})
	offerAll(t, a)
	survey := "/t/" + a.tables[0].Token
	key := a.formKey(t, a.tables[0].Token)
	send := func(form url.Values) string {
		t.Helper()
		form.Set("key", key)
		form.Set("lang", "fr")
		rec := a.post(survey, form)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("send: %d", rec.Code)
		}
		return rec.Header().Get("Location")
	}
	fr := views.Translator("fr")
	first := send(url.Values{"rating": {"5"}})
	second := send(url.Values{"rating": {"2"}, "comment": {"Cold soup"}, "at_table": {"1"}})
	if second != first+"?edit=saved" {
		t.Fatalf("the edited resend went to %s (first %s)", second, first)
	}
	if body := a.get(second).Body.String(); !strings.Contains(body, html.EscapeString(fr.S("receipt.updated"))) || !strings.Contains(body, "Cold soup") {
		t.Error("the receipt does not show the edit, or does not say it was made")
	}
	third := send(url.Values{"rating": {"5"}})
	if third != first+"?edit=not-saved" {
		t.Fatalf("an edit after the alert went to %s", third)
	}
	if body := a.get(third).Body.String(); !strings.Contains(body, html.EscapeString(fr.S("receipt.too-late"))) || !strings.Contains(body, "Cold soup") {
		t.Error("the receipt does not say plainly that the last edit was not made")
	}
	if again := send(url.Values{"rating": {"2"}, "comment": {"Cold soup"}, "at_table": {"1"}}); again != first {
		t.Errorf("the same answers again went to %s", again)
	}
	if n := a.count(t); n != 1 {
		t.Errorf("%d responses stored", n)
	}
}
