package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// scaleOptions is the database of issue 4: a million responses across 50
// restaurants and two years, with one restaurant's week at 19,000 responses.
var atScale = scaleOptions{Restaurants: 50, Responses: 1_000_000, Weeks: 104,
	Now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), HotWeek: 19_000}

// scaleDB opens the scale database, building it on first use (a few minutes)
// and keeping it for later runs: in $TABLESIDE_SCALE_DB, or the temp dir.
func scaleDB(b *testing.B) *store.DB {
	b.Helper()
	ctx := context.Background()
	path := os.Getenv("TABLESIDE_SCALE_DB")
	if path == "" {
		path = filepath.Join(os.TempDir(), "tableside-scale-v1.db")
	}
	if _, err := os.Stat(path); err != nil {
		b.Logf("building %s: %d responses, %d restaurants, %d weeks", path, atScale.Responses, atScale.Restaurants, atScale.Weeks)
		start := time.Now()
		tmp := path + ".building"
		os.Remove(tmp)
		if err := seedScale(ctx, tmp, atScale); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built in %s", time.Since(start).Round(time.Second))
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkSummaryAtScale renders one restaurant's weekly summary page
// through the whole router, as its owner, from the million-response
// database: a typical restaurant-week (about 190 responses) and the busy one
// (19,000). It reports the median and 90th percentile of the requests, and
// the first, which works out the days the others read from the day cache.
func BenchmarkSummaryAtScale(b *testing.B) {
	db := scaleDB(b)
	e, err := handlers.New(handlers.Config{BaseURL: "http://localhost"}, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	a := &app{e: e, db: db}
	for _, bc := range []struct{ name, owner, slug string }{
		{"typical", "owner-007@scale.test", "scale-007"},
		{"busy-19k", "owner-000@scale.test", "scale-000"},
	} {
		// Signed in once: the login limiter would refuse a sign-in per run.
		cl := a.client()
		cl.get("/login")
		if rec := cl.post("/login", url.Values{"email": {bc.owner}, "password": {scaleOwner}}); rec.Code != http.StatusSeeOther {
			b.Fatalf("login: %d", rec.Code)
		}
		b.Run(bc.name, func(b *testing.B) {
			target := "/summary?r=" + bc.slug + "&week=2026-W47"
			// The first request works out the 56 days of the trend and keeps
			// them (the day cache); the others read them.
			if err := db.ForgetDays(context.Background()); err != nil {
				b.Fatal(err)
			}
			times := make([]time.Duration, 0, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				rec := cl.get(target)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", target, rec.Code)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(times[0].Microseconds())/1000, "ms-first")
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
			b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "ms-p90")
		})
	}
}
