package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

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
