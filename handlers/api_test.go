package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// openAPI loads the description the server serves, checks it is a valid
// OpenAPI document, and returns a function that validates an answer of
// the server against it (request and response, as kin-openapi reads the
// specification).
func openAPI(t *testing.T, a *app) func(req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	served := a.get("/api/openapi.yaml")
	if served.Code != http.StatusOK || !strings.HasPrefix(served.Header().Get("Content-Type"), "application/yaml") {
		t.Fatalf("/api/openapi.yaml: %d %q", served.Code, served.Header().Get("Content-Type"))
	}
	doc, err := openapi3.NewLoader().LoadFromData(served.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: "http://tableside.test"}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return func(req *http.Request, rec *httptest.ResponseRecorder) {
		t.Helper()
		u, _ := url.Parse("http://tableside.test" + req.URL.RequestURI())
		vreq := req.Clone(ctx)
		vreq.URL, vreq.Host = u, u.Host
		route, params, err := router.FindRoute(vreq)
		if err != nil {
			t.Fatalf("%s: no route in the OpenAPI document: %v", req.URL, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			t.Errorf("%s: the request does not match the document: %v", req.URL, err)
		}
		err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{RequestValidationInput: in,
			Status: rec.Code, Header: rec.Header(), Body: io.NopCloser(strings.NewReader(rec.Body.String())),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}})
		if err != nil {
			t.Errorf("%s: %d answer does not match the document: %v\n%s", req.URL, rec.Code, err, rec.Body)
		}
	}
}

// TestSummaryJSON: the summary as JSON, for an owner's session and for a
// read-only API token made on the settings page, each answer valid against
// the served OpenAPI document; a revoked, forged or missing token and
// another restaurant's slug are refused, in JSON.
func TestSummaryJSON(t *testing.T) {
	now := time.Date(2026, 10, 21, 19, 0, 0, 0, time.UTC) // Wednesday of 2026-W43
	a := newApp(t, handlers.Config{Now: func() time.Time { return now }})
	validate := openAPI(t, a)
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.complain(t, "Cold soup, and nobody came")
	ctx := context.Background()
	if err := a.db.SetCovers(ctx, a.restaurant.ID, now, 120); err != nil {
		t.Fatal(err)
	}
	owner := a.login(t, "owner@test.example")

	get := func(cl *client, target, token string) (*http.Request, *httptest.ResponseRecorder) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := cl.request(req)
		validate(req, rec)
		return req, rec
	}
	_, rec := get(owner, "/summary.json?r=harbour&week=2026-W43", "")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("owner: %d %s", rec.Code, rec.Body)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	complaints := doc["complaints"].(map[string]any)
	silent := doc["silent_unhappy"].(map[string]any)
	if doc["week"] != "2026-W43" || doc["partial"] != true || doc["covers"] != float64(120) || doc["responses"] != float64(1) ||
		complaints["unprompted"] != float64(1) || complaints["total"] != float64(1) || silent["high"].(float64) > 120 ||
		silent["low"].(float64) < 1 || doc["restaurant"].(map[string]any)["slug"] != "harbour" {
		t.Errorf("the summary: %s", rec.Body)
	}

	// A token, made on the settings page and shown once.
	page := owner.post("/restaurants/harbour/api-tokens", url.Values{"name": {"accounts spreadsheet"}})
	secret := tokenRE.FindString(page.Body.String())
	if page.Code != http.StatusOK || secret == "" {
		t.Fatalf("making a token: %d\n%s", page.Code, page.Body)
	}
	if again := owner.get("/restaurants/harbour/settings").Body.String(); strings.Contains(again, secret) || !strings.Contains(again, "accounts spreadsheet") {
		t.Error("the token's secret is shown again, or the token is not listed")
	}
	stranger := a.client()
	if _, rec := get(stranger, "/summary.json?week=2026-W43", secret); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"unprompted":1`) {
		t.Errorf("with the token: %d %s", rec.Code, rec.Body)
	}
	if _, rec := get(stranger, "/summary.json", secret); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"week":"2026-W42"`) {
		t.Errorf("with the token, no week (the last complete one): %d %s", rec.Code, rec.Body)
	}
	for _, c := range []struct {
		name, target, token string
		status              int
	}{
		{"no token", "/summary.json", "", http.StatusUnauthorized},
		{"a forged token", "/summary.json", "tsk_" + strings.Repeat("A", 44), http.StatusUnauthorized},
		{"not a token", "/summary.json", "password", http.StatusUnauthorized},
		{"another restaurant", "/summary.json?r=elsewhere", secret, http.StatusNotFound},
		{"a bad week", "/summary.json?week=2026-W60", secret, http.StatusUnprocessableEntity},
	} {
		req, rec := get(stranger, c.target, c.token)
		if rec.Code != c.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s", c.name, rec.Code, rec.Body)
		}
		if c.status == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", c.name)
		}
		_ = req
	}
	// Revoked: it works no more.
	tokens, _ := a.db.APITokens(ctx, a.restaurant.ID)
	owner.post("/restaurants/harbour/api-tokens/"+itoa64(tokens[0].ID)+"/revoke", url.Values{})
	if _, rec := get(stranger, "/summary.json", secret); rec.Code != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", rec.Code)
	}
}

var tokenRE = regexp.MustCompile(`tsk_[A-Za-z0-9_-]{44}`)

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
