package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// copyOf is another browser holding a copy of cl's cookies: a cookie
// lifted from a shared tablet, say.
func copyOf(cl *client) *client {
	cp := cl.a.client()
	for k, v := range cl.jar {
		c := *v
		cp.jar[k] = &c
	}
	cp.token = cl.token
	return cp
}

// TestLogoutRevokesACopiedCookie: signing out ends the session on the
// server, so a copy of the cookie taken before no longer signs anyone in.
func TestLogoutRevokesACopiedCookie(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	cl := a.login(t, "sam@test.example")
	stolen := copyOf(cl)
	if rec := stolen.get("/floor"); rec.Code != http.StatusOK {
		t.Fatalf("the copy before logout: %d", rec.Code)
	}
	if rec := cl.post("/logout", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	if rec := stolen.get("/floor"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("the copied cookie after logout: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

// TestSessionsExpire: a session unused for SessionIdle ends, and one used
// every day ends SessionMax after it began.
func TestSessionsExpire(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	move := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	a := newApp(t, handlers.Config{Now: clock})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	idle := a.login(t, "sam@test.example")
	daily := a.login(t, "sam@test.example")
	move(store.SessionIdle - time.Hour)
	if rec := idle.get("/floor"); rec.Code != http.StatusOK {
		t.Fatalf("within the idle time: %d", rec.Code)
	}
	move(store.SessionIdle + time.Minute)
	if rec := idle.get("/floor"); rec.Code != http.StatusSeeOther {
		t.Fatalf("after %v unused: %d", store.SessionIdle, rec.Code)
	}
	// The other was last used at the start: gone too. Sign in again and use
	// it every day until its absolute end.
	if rec := daily.get("/floor"); rec.Code != http.StatusSeeOther {
		t.Fatalf("a session unused since the start: %d", rec.Code)
	}
	daily = a.login(t, "sam@test.example")
	for d := time.Duration(0); d < store.SessionMax-24*time.Hour; d += 24 * time.Hour {
		move(24 * time.Hour)
		if rec := daily.get("/floor"); rec.Code != http.StatusOK {
			t.Fatalf("a session used daily ended after %v: %d", d, rec.Code)
		}
	}
	move(48 * time.Hour)
	if rec := daily.get("/floor"); rec.Code != http.StatusSeeOther {
		t.Fatalf("a session older than %v still works: %d", store.SessionMax, rec.Code)
	}
}

// TestCSRFIsBoundToTheSession: a token planted with a cookie (from a
// sibling host, say) does not pass, nor does a request the browser says
// comes from another site, even with the right token.
func TestCSRFIsBoundToTheSession(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	cl := a.login(t, "sam@test.example")
	form := url.Values{"table": {strconv.FormatInt(a.tables[0].ID, 10)}, "tag": {"slow"}, "key": {store.NewToken()}}
	planted := copyOf(cl)
	planted.jar["__Host-_csrf"] = &http.Cookie{Name: "__Host-_csrf", Value: "planted-token-planted"}
	f := cloneForm(form)
	f.Set("csrf", "planted-token-planted")
	if rec := planted.post("/floor/in-person?r=harbour", f); rec.Code != http.StatusForbidden {
		t.Fatalf("a planted cookie and token: %d", rec.Code)
	}
	// Another user's token does not pass either.
	a.staff(t, a.restaurant, "priya@test.example", "Priya Shah", store.RoleManager)
	f.Set("csrf", a.login(t, "priya@test.example").csrf())
	if rec := cl.post("/floor/in-person?r=harbour", f); rec.Code != http.StatusForbidden {
		t.Fatalf("another session's token: %d", rec.Code)
	}
	f = cloneForm(form)
	f.Set("csrf", cl.csrf())
	req := httptestPost("/floor/in-person?r=harbour", f)
	req.Header.Set("Sec-Fetch-Site", "same-site")
	if rec := cl.request(req); rec.Code != http.StatusForbidden {
		t.Fatalf("from a sibling site with the right token: %d", rec.Code)
	}
	if rec := cl.post("/floor/in-person?r=harbour", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("the session's own token: %d\n%s", rec.Code, rec.Body)
	}
}

// TestRemovedManagerStreamEnds: a manager's open floor stream is told to
// reload the moment the owner removes them, and no later alert reaches it.
func TestRemovedManagerStreamEnds(t *testing.T) {
	a, ts := liveApp(t, handlers.Config{})
	sam := a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	a.staff(t, a.restaurant, "olga@test.example", "Olga Owner", store.RoleOwner)
	stream := openSSE(t, ts.URL, "/floor/events?r=harbour", a.login(t, "sam@test.example").cookieHeader(), "")
	defer stream.close()
	a.complain(t, "Before the removal")
	if e, ok := stream.next(t, 5*time.Second); !ok || e.name != "alert" {
		t.Fatalf("before the removal: %+v %v", e, ok)
	}
	owner := a.login(t, "olga@test.example")
	start := time.Now()
	if rec := owner.post("/restaurants/harbour/staff/"+strconv.FormatInt(sam.ID, 10)+"/remove", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d", rec.Code)
	}
	e, ok := stream.next(t, time.Second)
	if !ok || e.name != "reload" {
		t.Fatalf("within a second of the removal: %+v %v", e, ok)
	}
	t.Logf("the removed manager's stream was told %v after the removal", time.Since(start).Round(time.Microsecond))
	a.complain(t, "After the removal")
	if e, ok := stream.next(t, 500*time.Millisecond); ok {
		t.Fatalf("after the removal the stream got %+v", e)
	}
}
