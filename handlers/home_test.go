package handlers_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
)

func TestHomeAndHealth(t *testing.T) {
	a := newApp(t, handlers.Config{})
	home := a.get("/")
	if home.Code != http.StatusOK || !strings.Contains(home.Body.String(), `href="/login"`) || !strings.Contains(home.Body.String(), `href="/floor"`) ||
		strings.Contains(home.Body.String(), "demo-owner") {
		t.Fatalf("home: %d\n%s", home.Code, home.Body)
	}
	health := a.get("/healthz")
	if health.Code != http.StatusOK || health.Body.String() != "ok\n" {
		t.Fatalf("healthz: %d %q", health.Code, health.Body)
	}
	a.db.Close()
	if health := a.get("/healthz"); health.Code != http.StatusServiceUnavailable {
		t.Fatalf("healthz with the database closed: %d", health.Code)
	}
}

var assetRE = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

func TestStaticCaching(t *testing.T) {
	a := newApp(t, handlers.Config{})
	page := a.get("/login").Body.String()
	assets := assetRE.FindAllStringSubmatch(page, -1)
	if len(assets) < 2 {
		t.Fatalf("the page links %d assets", len(assets))
	}
	for _, m := range assets {
		rec := a.get(m[1])
		if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d, Cache-Control %q", m[1], rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
	stale := a.get("/static/app.000000000000.css")
	if stale.Code != http.StatusOK || stale.Header().Get("Cache-Control") != "public, max-age=300" {
		t.Errorf("stale hash: %d %q", stale.Code, stale.Header().Get("Cache-Control"))
	}
	for _, p := range []string{"/static/nope.123.css", "/static/app.css", "/static/..%2F..%2Fgo.mod", "/static/../static.go"} {
		if rec := a.get(p); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
}

// TestSurveyFirstVisitWeight measures what a diner's phone downloads on the
// first visit to a survey, as gzip sends it: the HTML and every asset it links.
// Bad signal in a basement bistro is the norm; the budget is one TCP initial
// window, 14 KB.
func TestSurveyFirstVisitWeight(t *testing.T) {
	a := newApp(t, handlers.Config{})
	gz := http.Header{"Accept-Encoding": {"gzip"}}
	page := a.do(http.MethodGet, "/t/"+a.tables[0].Token, nil, gz)
	total := page.Body.Len()
	html := gunzip(t, page.Body.Bytes())
	sizes := []string{"html " + strconv.Itoa(page.Body.Len())}
	for _, m := range assetRE.FindAllStringSubmatch(html, -1) {
		rec := a.do(http.MethodGet, m[1], nil, gz)
		total += rec.Body.Len()
		sizes = append(sizes, m[1]+" "+strconv.Itoa(rec.Body.Len()))
	}
	t.Logf("survey first visit, gzipped: %d bytes (%s)", total, strings.Join(sizes, ", "))
	if total > 14*1024 {
		t.Fatalf("first visit transfers %d bytes gzipped, over the 14 KB budget", total)
	}
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzipped: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
