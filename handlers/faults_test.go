package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/store/storetest"
)

// TestFullDatabase fills the database to its size cap: diners are told to
// send again, with what they typed kept; staff are told what is wrong;
// nothing panics; and once there is room again both work with no restart.
func TestFullDatabase(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("SQLite only: PostgreSQL has no size cap; its full or read-only server maps to the same diner-facing error (store's TestReadOnlyDatabase)")
	}
	ctx := context.Background()
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	sam := a.login(t, "sam@test.example")
	if err := a.db.SetSizeLimit(ctx, 1); err != nil { // as small as it can be: no new pages
		t.Fatal(err)
	}
	comment := strings.Repeat("The lamb was overcooked and nobody came back. ", 10)
	var full *httpResult
	for i := range 200 {
		rec := a.post("/t/"+a.tables[0].Token, url.Values{"key": {store.NewToken()}, "rating": {"2"}, "comment": {comment},
			"tag": {"taste"}, "name": {"Ada"}})
		if rec.Code == http.StatusServiceUnavailable {
			full = &httpResult{code: rec.Code, body: rec.Body.String(), retry: rec.Header().Get("Retry-After")}
			break
		}
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("submission %d: %d", i+1, rec.Code)
		}
	}
	if full == nil {
		t.Fatal("200 long submissions never filled a database with no room to grow")
	}
	for _, want := range []string{"We could not save this just now", strings.TrimSpace(comment[:60]), `value="Ada"`, `value="2" checked`} {
		if !strings.Contains(full.body, want) {
			t.Errorf("the diner's 503 page lacks %q", want)
		}
	}
	if full.retry == "" {
		t.Error("no Retry-After on the 503")
	}
	// The last free bytes of the alerts' pages take a few more: a manager
	// logging complaints soon meets the same wall, and is told why.
	table := strconv.FormatInt(a.tables[0].ID, 10)
	staffFull := false
	for range 100 {
		rec := sam.post("/floor/in-person?r=harbour", url.Values{"table": {table}, "note": {comment[:400]}, "tag": {"slow"}, "key": {store.NewToken()}})
		if rec.Code == http.StatusServiceUnavailable {
			staffFull = strings.Contains(rec.Body.String(), "the database is full")
			break
		}
	}
	if !staffFull {
		t.Error("a manager on a full database is not told that it is full")
	}
	if rec := a.get("/healthz"); rec.Code != http.StatusOK {
		t.Errorf("healthz on a full database: %d (reads still work)", rec.Code)
	}

	// Room again: the same form goes through, with no restart.
	if err := a.db.SetSizeLimit(ctx, 0); err != nil {
		t.Fatal(err)
	}
	rec := a.post("/t/"+a.tables[0].Token, url.Values{"key": {store.NewToken()}, "rating": {"2"}, "comment": {comment}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("after freeing space: %d", rec.Code)
	}
}

type httpResult struct {
	code        int
	body, retry string
}

// TestHungUpClientsAreNoErrors: requests whose client went away before the
// answer (the context cancelled: a reset, a closed tab) leave no ERROR or
// WARN in the log, however many; a receipt's id is never logged.
func TestHungUpClientsAreNoErrors(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	sam := a.login(t, "sam@test.example")
	receipt := a.complain(t, "cold soup")
	for range 50 {
		for _, target := range []string{"/floor?r=harbour", "/t/" + a.tables[0].Token, receipt} {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			req := httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx)
			if strings.HasPrefix(target, "/floor") {
				sam.request(req)
			} else {
				a.e.ServeHTTP(httptest.NewRecorder(), req)
			}
		}
	}
	logs := a.logs.String()
	if strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "level=WARN") || strings.Contains(logs, strings.TrimPrefix(receipt, "/r/")) {
		t.Fatalf("hung-up clients were logged as faults:\n%.3000s", logs)
	}
}

// TestPostgresAwayLosesNothing: PostgreSQL goes away (the database stops
// taking connections and every one is cut) while a diner sends the
// survey: they get 503 with Retry-After and the form back with what they
// typed, drawn without the database, and /healthz names what is down; once
// it is back, the same form sent again (the same key) is stored, once.
func TestPostgresAwayLosesNothing(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL only: a SQLite file does not go away (a full one: TestFullDatabase)")
	}
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	token := a.tables[0].Token
	key := a.formKey(t, token) // the diner opens the form while all is well
	u, err := url.Parse(a.dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	admin, err := pgx.Connect(ctx, storetest.Server())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	away := func(gone bool) {
		t.Helper()
		if _, err := admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS %t`, name, !gone)); err != nil {
			t.Fatal(err)
		}
		if gone {
			if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name); err != nil {
				t.Fatal(err)
			}
		}
	}
	away(true)
	defer away(false)
	form := url.Values{"key": {key}, "rating": {"1"}, "tag": {"slow"}, "comment": {"We waited forty minutes for the mains"},
		"lang": {"en"}, "venue": {"Harbour Kitchen"}, "table_label": {"Table 1"}}
	rec := a.post("/t/"+token, form)
	body := rec.Body.String()
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
		!strings.Contains(body, "We waited forty minutes for the mains") || !strings.Contains(body, `value="`+key+`"`) || !strings.Contains(body, "Harbour Kitchen") {
		t.Fatalf("with PostgreSQL away: %d, Retry-After %q\n%.3000s", rec.Code, rec.Header().Get("Retry-After"), body)
	}
	if h := a.get("/healthz"); h.Code != http.StatusServiceUnavailable || !strings.Contains(h.Body.String(), "PostgreSQL") {
		t.Fatalf("/healthz with PostgreSQL away: %d %q", h.Code, h.Body)
	}
	away(false)
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		rec = a.post("/t/"+token, form)
		if rec.Code == http.StatusSeeOther || time.Now().After(end) {
			break
		}
	}
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sent again once PostgreSQL is back: %d", rec.Code)
	}
	if again := a.post("/t/"+token, form); again.Code != http.StatusSeeOther || again.Header().Get("Location") != rec.Header().Get("Location") {
		t.Fatalf("a third send: %d %q", again.Code, again.Header().Get("Location"))
	}
	if n, err := a.db.CountResponses(ctx, a.restaurant.ID); err != nil || n != 1 {
		t.Fatalf("%d responses stored (%v), want the one, once", n, err)
	}
}
