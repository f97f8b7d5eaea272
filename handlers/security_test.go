package handlers_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// hostile are values an attacker puts in parameters and paths: SQL
// metacharacters, path traversal (plain and encoded), script, NUL, format
// verbs, and the very long.
var hostile = []string{
	`' OR '1'='1`, `1; DROP TABLE responses;--`, `" OR ""="`, `1' UNION SELECT password_hash FROM users--`,
	`../../../../etc/passwd`, `..%2F..%2F..%2Fetc%2Fpasswd`, `....//....//etc/passwd`, `..\..\windows\win.ini`,
	`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `javascript:alert(1)`, "%00", "\x00", `%s%s%n`,
	`{{7*7}}`, `${7*7}`, strings.Repeat("A", 5000), `2026-W48' --`, `-1`, `9999999999999999999999`,
}

var pathParam = regexp.MustCompile(`:[a-z]+`)

// validParam gives a working value for each path parameter.
var validParam = map[string]func(*app, string) string{
	":slug":    func(*app, string) string { return "harbour" },
	":token":   func(a *app, _ string) string { return a.tables[0].Token },
	":receipt": func(_ *app, receipt string) string { return receipt },
	":id":      func(a *app, _ string) string { return strconv.FormatInt(a.tables[0].ID, 10) },
	":key":     func(*app, string) string { return "0123456789abcdef" },
}

// leaked are signs in a body that an attack got somewhere.
var leaked = regexp.MustCompile(`root:x:0|\[fonts\]|SQL logic error|syntax error|no such (table|column)|\$2a\$|<script>alert\(1\)|<img src=x onerror`)

// securityTally counts the hostile inputs a test tried, for its report.
type securityTally struct {
	t     *testing.T
	tried int
}

func (s *securityTally) check(what string, rec *httptest.ResponseRecorder) {
	s.t.Helper()
	s.tried++
	if rec.Code >= 500 {
		s.t.Errorf("%s: status %d", what, rec.Code)
	}
	if m := leaked.FindString(rec.Body.String()); m != "" {
		s.t.Errorf("%s: the answer contains %q", what, m)
	}
}

// TestSecurityHostileInputs sends every hostile value in every path
// parameter and query parameter of every route, as an owner and as a
// stranger, and in the static file server's path: nothing errors, leaks a
// file, a hash or an SQL message, or reflects script, and the data is intact.
func TestSecurityHostileInputs(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	receipt := strings.TrimPrefix(a.complain(t, "the soup"), "/r/")
	owner, stranger := a.login(t, "owner@test.example"), a.client()
	stranger.get("/login")
	before, _ := a.db.CountResponses(context.Background(), a.restaurant.ID)
	tally := &securityTally{t: t}
	params := []string{"r", "week", "from", "to", "next", "last", "saved", "done", "imported", "check"}
	for _, route := range a.e.Routes() {
		if strings.Contains(route.Path, "*") || route.Method == "RouteNotFound" || route.Method == "echo_route_any" {
			continue
		}
		for _, v := range hostile {
			for _, who := range []*client{owner, stranger} {
				// The value in each path parameter in turn, the others valid.
				names := pathParam.FindAllString(route.Path, -1)
				for _, p := range names {
					target := route.Path
					for _, other := range names {
						value := validParam[other](a, receipt)
						if other == p {
							value = url.PathEscape(v)
						}
						target = strings.Replace(target, other, value, 1)
					}
					tally.check(route.Method+" "+route.Path+" with "+p, send(who, route.Method, target, v))
				}
				// And in every query parameter the app reads.
				q := url.Values{}
				for _, p := range params {
					q.Set(p, v)
				}
				target := route.Path
				for _, other := range names {
					target = strings.Replace(target, other, validParam[other](a, receipt), 1)
				}
				tally.check(route.Method+" "+route.Path+"?…", send(who, route.Method, target+"?"+q.Encode(), v))
			}
		}
	}
	for _, v := range hostile {
		tally.check("GET /static/"+v, send(stranger, http.MethodGet, "/static/"+url.PathEscape(v), ""))
	}
	for _, raw := range []string{"/static/../go.mod", "/static/..%2f..%2fgo.mod", "/static/%2e%2e/%2e%2e/go.mod", "/t/..%2f..%2fetc%2fpasswd"} {
		rec := send(stranger, http.MethodGet, raw, "")
		tally.check("GET "+raw, rec)
		if strings.Contains(rec.Body.String(), "module github.com/tableside") {
			t.Errorf("GET %s served a file from outside static/", raw)
		}
	}
	after, err := a.db.CountResponses(context.Background(), a.restaurant.ID)
	if err != nil || after < before {
		t.Errorf("responses before %d, after %d (%v): hostile input changed the data", before, after, err)
	}
	if _, err := a.db.RestaurantBySlug(context.Background(), "harbour"); err != nil {
		t.Errorf("the restaurant is gone: %v", err)
	}
	t.Logf("security: %d hostile requests (%d values x every path, query and form parameter of every route, as owner and stranger, and static paths): none got a 5xx, leaked data or ran script", tally.tried, len(hostile))
}

// formFields are the names of every form field the app reads.
var formFields = []string{"key", "rating", "tag", "comment", "at_table", "name", "contact", "consent", "check", "email",
	"password", "next", "label", "table", "note", "outcome", "amount", "follow_date", "follow_time", "follow_contact",
	"max_rating", "urgent_tags", "escalate", "voice_low", "voice_central", "voice_high", "team", "csv", "guests-2026-09-28", "r"}

func send(cl *client, method, target string, value string) *httptest.ResponseRecorder {
	if method == http.MethodPost {
		form := url.Values{}
		for _, f := range formFields {
			form.Set(f, value)
		}
		return cl.post(target, form)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond) // event streams end
	defer cancel()
	return cl.request(httptest.NewRequest(method, target, nil).WithContext(ctx))
}

var (
	inlineElement = regexp.MustCompile(`(?s)<(script|style)(\s[^>]*)?>(.*?)</(?:script|style)>`)
	directiveRE   = regexp.MustCompile(`(script|style)-src ([^;]*)`)
)

// inlineAllowed checks a page's inline script and style against its
// Content-Security-Policy as a browser does (CSP Level 3, "does an element
// match a source list"): each element's text must have its sha256 among
// the directive's hash sources, and nothing may be allowed wholesale
// ('unsafe-inline', or a style attribute).
func inlineAllowed(t *testing.T, target, body, csp string) {
	t.Helper()
	sources := map[string]string{}
	for _, m := range directiveRE.FindAllStringSubmatch(csp, -1) {
		sources[m[1]] = m[2]
	}
	for _, m := range inlineElement.FindAllStringSubmatch(body, -1) {
		if m[1] == "script" && strings.Contains(m[2], " src=") {
			continue
		}
		sum := sha256.Sum256([]byte(m[3]))
		if hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(sources[m[1]], hash) {
			t.Errorf("GET %s: inline %s (%d bytes) is not allowed by %s-src %q", target, m[1], len(m[3]), m[1], sources[m[1]])
		}
	}
	if strings.Contains(body, " style=") {
		t.Errorf("GET %s: a style attribute, which no hash can allow", target)
	}
}

// TestSecurityHeaders checks every answer of every route, pages and errors,
// for the headers that keep a page from being framed, sniffed or made to run
// script that is not ours, and every HTML page for inline script.
func TestSecurityHeaders(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	receipt := a.complain(t, "the soup")
	owner := a.login(t, "owner@test.example")
	targets := []string{"/", "/healthz", "/login", "/t/" + a.tables[0].Token, receipt, "/t/unknown", "/nope", "/floor",
		"/covers", "/summary", "/summary.csv?week=2026-W40", "/responses.csv?from=2026-01-01&to=2026-01-02",
		"/restaurants/harbour", "/restaurants/harbour/tables", "/restaurants/harbour/tables/cards",
		"/restaurants/harbour/settings", "/restaurants/harbour/staff", "/summary?week=bad", "/account", "/login/forgot",
		"/restaurants/harbour/webhooks", "/restaurants/new", "/invite/unknown", "/summary.json", "/api/openapi.yaml"}
	noStore := map[string]bool{"/account": true, "/restaurants/harbour/settings": true, "/restaurants/harbour/staff": true,
		"/login": true, "/login/forgot": true, "/restaurants/harbour/webhooks": true}
	checked := 0
	for _, target := range targets {
		rec := owner.get(target)
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: Content-Security-Policy %q lacks %q", target, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: the policy allows inline script: %q", target, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") == "" ||
			!strings.Contains(h.Get("Permissions-Policy"), "camera=()") || !strings.Contains(h.Get("Permissions-Policy"), "screen-wake-lock=(self)") {
			t.Errorf("GET %s: headers %v", target, h)
		}
		if h.Get("Strict-Transport-Security") != "max-age=31536000" { // the test app's base URL is https
			t.Errorf("GET %s: HSTS %q", target, h.Get("Strict-Transport-Security"))
		}
		if noStore[target] && h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", target, h.Get("Cache-Control"))
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			inlineAllowed(t, target, rec.Body.String(), csp)
		}
		checked++
	}
	t.Logf("security: headers checked on %d pages, errors and downloads", checked)
	if h := newApp(t, handlers.Config{BaseURL: "http://192.168.1.20:8080"}).get("/login").Header(); h.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS under an http base URL: %q", h.Get("Strict-Transport-Security"))
	}
}

// TestSecurityOpenRedirect tries every way of writing another site into
// ?next=: after signing in, each lands on a page of this site.
func TestSecurityOpenRedirect(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	nexts := []string{"https://evil.example", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
		"/%2F%2Fevil.example", "/%5Cevil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example",
		"https:/evil.example", "http:evil.example", " //evil.example", "/\t/evil.example", "/\r\n/evil.example", "//evil.example/%2e%2e",
		"https://tableside@evil.example", "/login?next=//evil.example", "//%09/evil.example", "/\u3002evil.example", "%2F%2Fevil.example"}
	for i, next := range nexts {
		cl := a.client()
		cl.get("/login?next=" + url.QueryEscape(next))
		req := httptestPost("/login", url.Values{"email": {"owner@test.example"}, "password": {testPassword}, "next": {next},
			"csrf": {cl.csrf()}})
		req.RemoteAddr = "198.51.100." + strconv.Itoa(i+1) + ":40000" // a guesser from many addresses
		rec := cl.request(req)
		loc := rec.Header().Get("Location")
		u, err := url.Parse(loc)
		if rec.Code != http.StatusSeeOther || err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(loc, "/") ||
			strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Errorf("next=%q sent the user to %q (%d)", next, loc, rec.Code)
		}
	}
	t.Logf("security: %d hostile next parameters tried, every one stayed on this site", len(nexts))
}

// TestSecuritySurveyCannotTouchOtherTables: a form posted to one table's URL
// with another table's or restaurant's ids in hidden fields still lands on its
// own table, and a retired token is refused.
func TestSecuritySurveyCannotTouchOtherTables(t *testing.T) {
	a := newApp(t, handlers.Config{})
	rec := a.post("/t/"+a.tables[0].Token, url.Values{"key": {store.NewToken()}, "rating": {"5"},
		"table_id": {strconv.FormatInt(a.tables[1].ID, 10)}, "restaurant_id": {"999"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("%d", rec.Code)
	}
	resp, err := a.db.ResponseByPublicID(context.Background(), strings.TrimPrefix(rec.Header().Get("Location"), "/r/"))
	if err != nil || resp.TableLabel != "Table 1" {
		t.Errorf("the response landed on %q (%v)", resp.TableLabel, err)
	}
}
