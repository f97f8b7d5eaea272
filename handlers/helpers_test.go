package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// app is the real router on a real database file, with a restaurant of two
// tables.
type app struct {
	e          *echo.Echo
	db         *store.DB
	restaurant store.Restaurant
	tables     []store.Table
}

func newApp(t testing.TB, cfg handlers.Config) *app {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "tableside.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://feedback.example.com"
	}
	e, err := handlers.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a := &app{e: e, db: db}
	if a.restaurant, err = db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: "Europe/Lisbon"}); err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{"Table 1", "Table 2"} {
		tb, err := db.CreateTable(ctx, a.restaurant.ID, label)
		if err != nil {
			t.Fatal(err)
		}
		a.tables = append(a.tables, tb)
	}
	return a
}

// do sends a request through the router and returns the recorded response.
func (a *app) do(method, target string, body io.Reader, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, body)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	a.e.ServeHTTP(rec, req)
	return rec
}

func (a *app) get(target string) *httptest.ResponseRecorder {
	return a.do(http.MethodGet, target, nil, nil)
}

// post sends a form as a browser would.
func (a *app) post(target string, form url.Values) *httptest.ResponseRecorder {
	return a.do(http.MethodPost, target, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}
