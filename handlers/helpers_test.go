package handlers_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/store/storetest"
)

// app is the real router on a real database file, with a restaurant of two
// tables.
type app struct {
	e          *echo.Echo
	db         *store.DB
	restaurant store.Restaurant
	tables     []store.Table
	logs       *lockedBuffer // what the handlers logged
	dsn        string        // the database: a file, or a postgres:// URL
}

// lockedBuffer is a log's output, safe to write from several requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newApp(t testing.TB, cfg handlers.Config) *app {
	t.Helper()
	ctx := context.Background()
	opts := []store.Option{store.WithPasswordCost(bcrypt.MinCost)}
	if cfg.Now != nil {
		opts = append(opts, store.WithClock(cfg.Now)) // one clock for the store and the handlers
	}
	dsn := storetest.DSN(t, "tableside.db")
	db, err := store.Open(ctx, dsn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://feedback.example.com"
	}
	logs := new(lockedBuffer)
	e, err := handlers.New(cfg, db, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a := &app{e: e, db: db, logs: logs, dsn: dsn}
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

const testPassword = "correct horse battery"

// staff makes a user with a role in a restaurant.
func (a *app) staff(t testing.TB, r store.Restaurant, email, name string, role store.Role) store.User {
	t.Helper()
	ctx := context.Background()
	u, err := a.db.UserByEmail(ctx, email)
	if err != nil {
		if u, err = a.db.CreateUser(ctx, email, name, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.db.AddMembership(ctx, u.ID, r.ID, role); err != nil {
		t.Fatal(err)
	}
	return u
}

// client is a browser: it keeps cookies and puts the CSRF token of the last
// page it read in its forms.
type client struct {
	a     *app
	jar   map[string]*http.Cookie
	token string
}

var tokenField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the CSRF token of the last page the client read.
func (cl *client) csrf() string { return cl.token }

func (a *app) client() *client { return &client{a: a, jar: map[string]*http.Cookie{}} }

func (cl *client) request(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	cl.requestTo(rec, req)
	return rec
}

// requestTo sends a request with the client's cookies, answered into w, and
// keeps the cookies it sets.
func (cl *client) requestTo(w http.ResponseWriter, req *http.Request) {
	for _, c := range cl.jar {
		req.AddCookie(c)
	}
	cl.a.e.ServeHTTP(w, req)
	if rec, ok := w.(*httptest.ResponseRecorder); ok {
		if m := tokenField.FindStringSubmatch(rec.Body.String()); m != nil {
			cl.token = m[1]
		}
	}
	for _, c := range (&http.Response{Header: w.Header()}).Cookies() {
		if c.MaxAge < 0 {
			delete(cl.jar, c.Name)
		} else {
			cl.jar[c.Name] = c
		}
	}
}

// sessionCookie is the client's session cookie, named as the server names
// it: "__Host-tableside" under an https base URL, else "tableside".
func (cl *client) sessionCookie() *http.Cookie {
	if c := cl.jar["__Host-tableside"]; c != nil {
		return c
	}
	return cl.jar["tableside"]
}

func (cl *client) get(target string) *httptest.ResponseRecorder {
	return cl.request(httptest.NewRequest(http.MethodGet, target, nil))
}

// post sends a form with the CSRF token of the client's cookie, unless the form
// names its own.
func (cl *client) post(target string, form url.Values) *httptest.ResponseRecorder {
	form = cloneForm(form)
	if _, ok := form["csrf"]; !ok && cl.token != "" {
		form.Set("csrf", cl.token)
	}
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return cl.request(req)
}

// login signs a client in and fails the test if it cannot.
func (a *app) login(t testing.TB, email string) *client {
	t.Helper()
	cl := a.client()
	cl.get("/login")
	rec := cl.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	if rec.Code != http.StatusSeeOther || cl.sessionCookie() == nil {
		t.Fatalf("login %s: %d\n%s", email, rec.Code, rec.Body)
	}
	cl.get(rec.Header().Get("Location")) // a page with the session's CSRF token
	return cl
}

func httptestPost(target string, form url.Values) *http.Request {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// stream opens an event stream for a moment and returns what it answered.
func (cl *client) stream(t testing.TB, target string) *httptest.ResponseRecorder {
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	return cl.request(httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx))
}

func cloneForm(f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// The handlers' tests run on SQLite, and again on PostgreSQL when
// TABLESIDE_TEST_POSTGRES is set (storetest).
func TestMain(m *testing.M) { storetest.Main(m, "handlers") }
