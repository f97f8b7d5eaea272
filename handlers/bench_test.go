package handlers_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	_ "modernc.org/sqlite"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// concurrentClients is how many requests per core are in flight at once in the
// benchmarks: diners arrive together, and the load tool also runs 32 clients.
const concurrentClients = 16

// BenchmarkSurveySubmit posts a valid survey through the whole router (every
// middleware, validation, the idempotent insert with tags) to a real database
// file, from parallel clients: a complaint at the table, which also raises an
// alert and its event, and a happy guest, which raises nothing.
func BenchmarkSurveySubmit(b *testing.B) {
	for _, bc := range []struct {
		name string
		form url.Values
	}{
		{"complaint", url.Values{"rating": {"2"}, "tag": {"slow", "cold-food"},
			"comment": {"We waited a long time and the soup was cold."}, "at_table": {"1"}}},
		{"happy", url.Values{"rating": {"5"}, "tag": {"food", "service"}, "comment": {"Lovely evening, thank you!"}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			a := newApp(b, handlers.Config{})
			path := "/t/" + a.tables[0].Token
			b.ReportAllocs()
			b.SetParallelism(concurrentClients)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					form := cloneForm(bc.form)
					form.Set("key", store.NewFormKey(time.Now()))
					rec := a.post(path, form)
					if rec.Code != http.StatusSeeOther {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
				}
			})
		})
	}
}

// BenchmarkBareInsert is the yardstick for BenchmarkSurveySubmit: a bare Echo
// handler that inserts one row into a WAL SQLite file with the same pragmas,
// through the same kind of request.
func BenchmarkBareInsert(b *testing.B) {
	dsn := "file:" + filepath.Join(b.TempDir(), "bare.db") +
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, rating INTEGER, comment TEXT)`); err != nil {
		b.Fatal(err)
	}
	e := echo.New()
	e.POST("/bare", func(c echo.Context) error {
		if _, err := db.ExecContext(context.Background(), `INSERT INTO t (rating, comment) VALUES (?, ?)`,
			c.FormValue("rating"), c.FormValue("comment")); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/done")
	})
	body := url.Values{"rating": {"2"}, "comment": {"We waited a long time and the soup was cold."}}.Encode()
	b.ReportAllocs()
	b.SetParallelism(concurrentClients)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/bare", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// eventCounter is a ResponseWriter that ends the request once it has seen n
// events, so that a benchmark can open a stream, read what it sends first,
// and close it.
type eventCounter struct {
	*httptest.ResponseRecorder
	n      int
	cancel context.CancelFunc
}

func (w *eventCounter) Write(b []byte) (int, error) {
	if w.n -= bytes.Count(b, []byte("event: ")); w.n <= 0 {
		w.cancel()
	}
	return w.ResponseRecorder.Write(b)
}

// BenchmarkFloorReconnect measures what a floor tablet's reconnection costs
// the server, in time and memory, after a backlog of 12,000 events: a fresh
// connection (from now), one 200 events behind (each replayed from the log in
// batches), and one 12,000 behind (told to reload).
func BenchmarkFloorReconnect(b *testing.B) {
	a := newApp(b, handlers.Config{PingEvery: time.Hour})
	sam := a.staff(b, a.restaurant, "sam@test.example", "Sam", store.RoleManager)
	cl := a.login(b, "sam@test.example")
	ctx := context.Background()
	first, _ := a.db.LastEventID(ctx, a.restaurant.ID)
	for range 12_000 {
		if _, err := a.db.LogInPerson(ctx, a.restaurant.ID, a.tables[0].ID, sam.ID, store.NewToken(), nil, "A long night"); err != nil {
			b.Fatal(err)
		}
	}
	latest, _ := a.db.LastEventID(ctx, a.restaurant.ID)
	for _, bc := range []struct {
		name, last string
		events     int
	}{
		{"fresh", "", 0},
		{"200-behind", strconv.FormatInt(latest-200, 10), 200},
		{"12000-behind", strconv.FormatInt(first, 10), 1},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ctx, cancel := context.WithCancel(ctx)
				req := httptest.NewRequest(http.MethodGet, "/floor/events?r=harbour", nil).WithContext(ctx)
				if bc.last != "" {
					req.Header.Set("Last-Event-ID", bc.last)
				}
				w := &eventCounter{ResponseRecorder: httptest.NewRecorder(), n: bc.events, cancel: cancel}
				if bc.events == 0 {
					cancel() // nothing to wait for: open and close
				}
				cl.requestTo(w, req)
				cancel()
				if w.Code != http.StatusOK || (bc.events == 1 && !strings.Contains(w.Body.String(), "event: reload")) {
					b.Fatalf("%d %.200s", w.Code, w.Body)
				}
			}
		})
	}
}
