package handlers_test

import (
	"context"
	"fmt"
	"net"
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

// TestAuthorizationMatrix tries every staff route as each kind of visitor:
// nobody, a manager and the owner of restaurant A, and a manager of B.
func TestAuthorizationMatrix(t *testing.T) {
	a := newApp(t, handlers.Config{PingEvery: time.Hour})
	ctx := context.Background()
	b, err := a.db.CreateRestaurant(ctx, store.Restaurant{Slug: "bistro-b", Name: "Bistro B"})
	if err != nil {
		t.Fatal(err)
	}
	a.staff(t, a.restaurant, "owner-a@test.example", "Olu Owner", store.RoleOwner)
	managerA := a.staff(t, a.restaurant, "manager-a@test.example", "Mo Manager", store.RoleManager)
	managerB := a.staff(t, b, "manager-b@test.example", "Bea", store.RoleManager)
	receipt := a.post("/t/"+a.tables[0].Token, url.Values{"key": {store.NewToken()}, "rating": {"1"}})
	alert, err := a.db.AlertForReceipt(ctx, strings.TrimPrefix(receipt.Header().Get("Location"), "/r/"))
	if err != nil {
		t.Fatal(err)
	}
	alertPath := "/floor/alerts/" + strconv.FormatInt(alert.ID, 10)
	tableID := strconv.FormatInt(a.tables[1].ID, 10)
	tableB, _ := a.db.CreateTable(ctx, b.ID, "B1")

	type route struct {
		method, path string
		form         url.Values
	}
	floor := []route{
		{"GET", "/floor?r=harbour", nil},
		{"GET", "/floor/events?r=harbour", nil},
		{"POST", "/floor/in-person?r=harbour", url.Values{"table": {tableID}, "note": {"Cold soup"}, "key": {store.NewToken()}}},
		{"POST", alertPath + "/ack?r=harbour", nil},
		{"POST", alertPath + "/resolve?r=harbour", url.Values{"outcome": {"apologised"}}},
		{"GET", "/covers?r=harbour", nil},
		{"POST", "/covers?r=harbour&week=2026-W40", url.Values{"guests-2026-09-28": {"10"}}},
		{"POST", "/covers/import?r=harbour", url.Values{"csv": {"2026-09-29,12"}}},
	}
	owner := []route{
		{"GET", "/restaurants/harbour", nil},
		{"GET", "/restaurants/harbour/tables", nil},
		{"GET", "/restaurants/harbour/tables/cards", nil},
		{"GET", "/restaurants/harbour/tables/" + tableID + "/qr.svg", nil},
		{"POST", "/restaurants/harbour/tables", url.Values{"label": {"Patio"}}},
		{"POST", "/restaurants/harbour/tables/" + tableID + "/rotate", nil},
		{"GET", "/restaurants/harbour/settings", nil},
		{"POST", "/restaurants/harbour/settings", url.Values{"max_rating": {"2"}, "urgent_tags": {"1"}, "at_table": {"1"}, "escalate": {"3"},
			"voice_low": {"1"}, "voice_central": {"4"}, "voice_high": {"5"}, "team": {"Sam, Priya"},
			"name": {"Harbour Kitchen"}, "time_zone": {"Europe/Lisbon"}, "currency": {"EUR"}, "languages": {"en", "pt"}, "default_language": {"pt"}}},
		{"GET", "/summary?r=harbour", nil},
		{"GET", "/summary.csv?r=harbour&week=2026-W40", nil},
		{"GET", "/responses.csv?r=harbour&from=2026-09-01&to=2026-09-30", nil},
		{"GET", "/restaurants/harbour/staff", nil},
		{"POST", "/restaurants/harbour/staff", url.Values{"email": {"new@test.example"}, "name": {"Nia"}}},
		{"POST", "/restaurants/harbour/staff/" + strconv.FormatInt(managerB.ID, 10) + "/remove", nil},
	}
	ok := func(method string) int {
		if method == "GET" {
			return http.StatusOK
		}
		return http.StatusSeeOther
	}
	check := func(who string, cl *client, routes []route, want func(route) int) {
		for _, r := range routes {
			var rec interface{ Result() *http.Response }
			if r.method == "GET" {
				if strings.Contains(r.path, "/events") {
					rec = cl.stream(t, r.path)
				} else {
					rec = cl.get(r.path)
				}
			} else {
				rec = cl.post(r.path, r.form)
			}
			got := rec.Result().StatusCode
			if w := want(r); got != w {
				t.Errorf("%s: %s %s = %d, want %d", who, r.method, r.path, got, w)
			}
		}
	}
	anon := a.client()
	anon.get("/login") // a CSRF cookie, so the refusal below is about the login
	check("anonymous", anon, append(floor, owner...), func(r route) int {
		if r.method == "GET" {
			return http.StatusSeeOther
		}
		return http.StatusUnauthorized
	})
	check("manager of B", a.login(t, "manager-b@test.example"), append(floor, owner...), func(route) int { return http.StatusNotFound })
	clB := a.login(t, "manager-b@test.example") // B's own floor, A's alert id
	if rec := clB.post(alertPath+"/ack?r=bistro-b", nil); rec.Code != http.StatusNotFound {
		t.Errorf("manager of B acknowledging A's alert through B's floor: %d", rec.Code)
	}
	if rec := clB.post("/floor/in-person?r=bistro-b", url.Values{"table": {tableID}, "note": {"x"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("manager of B logging a complaint at A's table: %d", rec.Code)
	}
	_ = tableB
	check("manager of A", a.login(t, "manager-a@test.example"), append(floor, owner...), func(r route) int {
		if strings.HasPrefix(r.path, "/restaurants/") || strings.HasPrefix(r.path, "/summary") || strings.HasPrefix(r.path, "/responses") {
			return http.StatusNotFound // owners only
		}
		return ok(r.method)
	})
	check("owner of A", a.login(t, "owner-a@test.example"), append(floor, owner...), func(r route) int {
		switch {
		case strings.HasSuffix(r.path, "/remove"):
			return http.StatusNotFound // B's manager is not on A's staff
		case r.method == "POST" && strings.HasSuffix(r.path, "/staff"):
			return http.StatusOK // the new manager's password is shown, once
		}
		return ok(r.method)
	})
	if rec := a.login(t, "owner-a@test.example").post("/restaurants/harbour/staff/"+strconv.FormatInt(managerA.ID, 10)+"/remove", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("owner removing their manager: %d", rec.Code)
	}
	// Removed, the manager loses the floor at once, on the session they had.
	if rec := a.login(t, "owner-a@test.example").get("/floor?r=harbour"); rec.Code != http.StatusOK {
		t.Fatal("the owner lost the floor")
	}
}

func TestCSRF(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu", store.RoleOwner)
	cl := a.login(t, "owner@test.example")
	for _, form := range []url.Values{
		{"label": {"Patio"}, "csrf": {""}},
		{"label": {"Patio"}, "csrf": {"forged-token-of-the-right-length!"}},
	} {
		if rec := cl.post("/restaurants/harbour/tables", form); rec.Code != http.StatusForbidden {
			t.Errorf("POST with csrf %q: %d, want 403", form.Get("csrf"), rec.Code)
		}
	}
	// A cross-site form, as a browser marks it.
	req := httptestPost("/restaurants/harbour/tables", url.Values{"label": {"Patio"}})
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if rec := cl.request(req); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", rec.Code)
	}
	tables, _ := a.db.ActiveTables(context.Background(), a.restaurant.ID)
	if len(tables) != 2 {
		t.Fatalf("a refused POST added a table: %d tables", len(tables))
	}
	if rec := cl.post("/restaurants/harbour/tables", url.Values{"label": {"Patio"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("POST with the token: %d", rec.Code)
	}
}

func TestLoginRenewsSessionAndLogsOut(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu", store.RoleOwner)
	cl := a.client()
	cl.get("/login")
	planted := "MTcwMDAwMDAwMHxwbGFudGVkLWJ5LWFuLWF0dGFja2VyfA=="
	cl.jar["__Host-tableside"] = &http.Cookie{Name: "__Host-tableside", Value: planted}
	if rec := cl.post("/login", url.Values{"email": {"owner@test.example"}, "password": {"wrong password"}}); rec.Code != http.StatusUnauthorized ||
		!strings.Contains(rec.Body.String(), "match an account") || !strings.Contains(rec.Body.String(), `value="owner@test.example"`) {
		t.Fatalf("wrong password: %d", rec.Code)
	}
	rec := cl.post("/login", url.Values{"email": {"owner@test.example"}, "password": {testPassword}, "next": {"/restaurants/harbour/settings"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/restaurants/harbour/settings" {
		t.Fatalf("login: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	sess := cl.sessionCookie()
	if sess.Value == planted {
		t.Fatal("the session cookie did not change at login")
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "__Host-tableside" && (!c.HttpOnly || !c.Secure || c.Path != "/" || c.Domain != "" || c.SameSite != http.SameSiteLaxMode) {
			t.Fatalf("session cookie: HttpOnly %v, SameSite %v", c.HttpOnly, c.SameSite)
		}
	}
	if rec := cl.get("/restaurants/harbour"); rec.Code != http.StatusOK {
		t.Fatalf("after login: %d", rec.Code)
	}
	if rec := cl.post("/logout", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	if rec := cl.get("/restaurants/harbour"); rec.Code != http.StatusSeeOther {
		t.Fatalf("after logout: %d", rec.Code)
	}
	// Secure cookies over HTTPS.
	https := newApp(t, handlers.Config{BaseURL: "https://feedback.example.com"})
	https.staff(t, https.restaurant, "o@test.example", "O", store.RoleOwner)
	hc := https.client()
	hc.get("/login")
	rec = hc.post("/login", url.Values{"email": {"o@test.example"}, "password": {testPassword}})
	for _, c := range rec.Result().Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure on an https site", c.Name)
		}
	}
}

func TestLoginNeverRedirectsAway(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu", store.RoleOwner)
	for _, next := range []string{"https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "evil", "https:/evil.example"} {
		cl := a.client()
		cl.get("/login?next=" + url.QueryEscape(next))
		rec := cl.post("/login", url.Values{"email": {"owner@test.example"}, "password": {testPassword}, "next": {next}})
		if loc := rec.Header().Get("Location"); loc != "/floor" {
			t.Errorf("next=%q sent the user to %q", next, loc)
		}
	}
}

func TestLoginRateLimited(t *testing.T) {
	a := newApp(t, handlers.Config{})
	cl := a.client()
	cl.get("/login")
	codes := map[int]int{}
	for i := range 12 { // a different account each time: the lockout is per account
		codes[cl.post("/login", url.Values{"email": {"x" + strconv.Itoa(i) + "@test.example"}, "password": {"guess"}}).Code]++
	}
	if codes[http.StatusUnauthorized] != 10 || codes[http.StatusTooManyRequests] != 2 {
		t.Fatalf("12 wrong logins answered %v; want 10 refusals, then 429", codes)
	}
}

// proxy is the reverse proxy in front of the server, in tests: its address
// is the trusted one, and it says whom it forwards in X-Forwarded-For.
var proxy = mustCIDR("192.0.2.0/24")

func mustCIDR(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}

// viaProxy is a request that came through the trusted proxy for client.
func viaProxy(req *http.Request, client string) *http.Request {
	req.RemoteAddr = "192.0.2.10:40000"
	req.Header.Set("X-Forwarded-For", client)
	return req
}

// TestLoginThrottleIsNoLockoutWeapon: a stranger failing 25 logins from
// address A (behind the trusted proxy) slows only A, with the wait in
// words and in Retry-After; the owner signs in from address B at once.
func TestLoginThrottleIsNoLockoutWeapon(t *testing.T) {
	a := newApp(t, handlers.Config{TrustedProxies: []*net.IPNet{proxy}})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	stranger := a.client()
	stranger.get("/login")
	codes := map[int]int{}
	var last *httptest.ResponseRecorder
	for range 25 {
		req := httptestPost("/login", url.Values{"email": {"owner@test.example"}, "password": {"guess"}, "csrf": {stranger.csrf()}})
		last = stranger.request(viaProxy(req, "198.51.100.66"))
		codes[last.Code]++
	}
	if codes[http.StatusUnauthorized] < store.FreeFailures || codes[http.StatusTooManyRequests] == 0 ||
		last.Header().Get("Retry-After") == "" || !strings.Contains(last.Body.String(), "wait") {
		t.Fatalf("25 wrong logins from A answered %v; the last: %q\n%s", codes, last.Header().Get("Retry-After"), last.Body)
	}
	owner := a.client()
	owner.request(viaProxy(httptest.NewRequest(http.MethodGet, "/login", nil), "203.0.113.5"))
	req := httptestPost("/login", url.Values{"email": {"owner@test.example"}, "password": {testPassword}, "csrf": {owner.csrf()}})
	if rec := owner.request(viaProxy(req, "203.0.113.5")); rec.Code != http.StatusSeeOther || owner.sessionCookie() == nil {
		t.Fatalf("the owner from B after a stranger's 25 failures from A: %d\n%s", rec.Code, rec.Body)
	}
}

// TestForwardedForFromAnUntrustedPeerIsIgnored: a client that writes its own
// X-Forwarded-For (a new address on every post) does not dodge the survey
// limit, and the header is believed only from the trusted proxy.
func TestForwardedForFromAnUntrustedPeerIsIgnored(t *testing.T) {
	a := newApp(t, handlers.Config{SurveyLimit: 3, TrustedProxies: []*net.IPNet{proxy}})
	post := func(remote, xff string) int {
		req := httptestPost("/t/"+a.tables[0].Token, url.Values{"key": {store.NewToken()}, "rating": {"5"}})
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-For", xff)
		rec := httptest.NewRecorder()
		a.e.ServeHTTP(rec, req)
		return rec.Code
	}
	codes := map[int]int{}
	for i := range 6 {
		codes[post("198.51.100.20:5000", "203.0.113."+strconv.Itoa(i+1))]++
	}
	if codes[http.StatusSeeOther] != 3 || codes[http.StatusTooManyRequests] != 3 {
		t.Fatalf("six posts from one untrusted peer with six forged X-Forwarded-For: %v; want 3 then 429", codes)
	}
	// Through the trusted proxy, each forwarded client has its own limit.
	codes = map[int]int{}
	for i := range 6 {
		codes[post("192.0.2.10:5000", "203.0.113."+strconv.Itoa(i+1))]++
	}
	if codes[http.StatusSeeOther] != 6 {
		t.Fatalf("six clients through the trusted proxy: %v", codes)
	}
}

// TestInvitingStaffRevealsNothingAndDemotesNoOne: an owner who invites an
// email that already has an account elsewhere sees exactly what inviting a
// new email shows (what they typed and a link), never that person's name;
// nothing changes for the person until they accept, signed in as that
// email; accepting as a manager leaves a co-owner owner.
func TestInvitingStaffRevealsNothingAndDemotesNoOne(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	other, _ := a.db.CreateRestaurant(ctx, store.Restaurant{Slug: "aardvark", Name: "Aardvark Café"})
	a.staff(t, other, "kim@test.example", "Kim Secret-Surname", store.RoleManager)
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	a.staff(t, a.restaurant, "ada@test.example", "Ada Co-Owner", store.RoleOwner)
	owner := a.login(t, "owner@test.example")
	link := regexp.MustCompile(`/invite/[A-Za-z0-9_-]+`)
	invite := func(email, name string) (string, string) {
		rec := owner.post("/restaurants/harbour/staff", url.Values{"email": {email}, "name": {name}})
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, name) {
			t.Fatalf("inviting %s: %d\n%s", email, rec.Code, body)
		}
		// What the owner is told of this invitation (the page below it lists
		// every pending one, so it grows with each).
		said := regexp.MustCompile(`(?s)<div class="ok" role="status">.*?</div>`).FindString(body)
		return link.FindString(body), strings.NewReplacer(email, "EMAIL", name, "NAME").Replace(link.ReplaceAllString(said, "LINK"))
	}
	kimLink, known := invite("kim@test.example", "Kim")
	_, unknown := invite("nobody-yet@test.example", "Noor")
	if known == "" || strings.Contains(known, "Secret-Surname") || known != unknown {
		t.Fatal("inviting an email with an account shows something inviting a new one does not")
	}
	kim := a.login(t, "kim@test.example")
	if floor := kim.get("/floor").Body.String(); !strings.Contains(floor, "Aardvark Café · Floor") {
		t.Fatal("an invitation changed where Kim's floor opens")
	}
	if rec := kim.get("/floor?r=harbour"); rec.Code != http.StatusNotFound {
		t.Fatalf("Kim works at Harbour before accepting: %d", rec.Code)
	}
	// Someone else signed in cannot take Kim's invitation.
	if rec := owner.post(kimLink, nil); rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "This invitation is for kim@test.example") {
		t.Fatalf("accepting someone else's invitation: %d", rec.Code)
	}
	kim.get(kimLink)
	if rec := kim.post(kimLink, nil); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/floor?r=harbour" {
		t.Fatalf("Kim accepts: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := kim.get("/floor?r=harbour"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Harbour Kitchen · Floor") {
		t.Fatalf("Kim's floor at Harbour after accepting: %d", rec.Code)
	}
	if rec := kim.post(kimLink, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("an invitation accepted twice: %d", rec.Code)
	}
	// Harbour knows Kim by the name the owner typed.
	if staff := owner.get("/restaurants/harbour/staff").Body.String(); strings.Contains(staff, "Secret-Surname") || !strings.Contains(staff, "<b>Kim</b>") {
		t.Fatal("the staff page shows Kim's own account name")
	}
	adaLink, _ := invite("ada@test.example", "Ada")
	ada := a.login(t, "ada@test.example")
	ada.get(adaLink)
	if rec := ada.post(adaLink, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("Ada accepts: %d", rec.Code)
	}
	if m, _ := a.db.Memberships(ctx, mustUser(t, a, "ada@test.example")); len(m) != 1 || m[0].Role != store.RoleOwner {
		t.Fatalf("the co-owner is now %+v", m)
	}
}

// TestInvitationMakesAnAccount: someone new accepts by choosing a name and a
// password (not a common one), and is signed in at the restaurant's floor;
// names with control characters are refused.
func TestInvitationMakesAnAccount(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	owner := a.login(t, "owner@test.example")
	if rec := owner.post("/restaurants/harbour/staff", url.Values{"email": {"noor@test.example"}, "name": {"Noor\r\nBcc: x@evil.example"}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "one line") {
		t.Fatalf("a CR/LF name: %d", rec.Code)
	}
	if rec := owner.post("/restaurants/harbour/staff", url.Values{"email": {"noor@test.example"}, "name": {strings.Repeat("N", 81)}}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("an 81-character name: %d", rec.Code)
	}
	rec := owner.post("/restaurants/harbour/staff", url.Values{"email": {"noor@test.example"}, "name": {"Noor"}})
	link := regexp.MustCompile(`/invite/[A-Za-z0-9_-]+`).FindString(rec.Body.String())
	noor := a.client()
	if body := noor.get(link).Body.String(); !strings.Contains(body, "Join Harbour Kitchen") || !strings.Contains(body, "noor@test.example") {
		t.Fatalf("the invitation page:\n%s", body)
	}
	rec = noor.post(link, url.Values{"name": {"Noor Haddad"}, "new_password": {"password123"}, "confirm_password": {"password123"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "too easy to guess") || !strings.Contains(rec.Body.String(), `value="Noor Haddad"`) {
		t.Fatalf("a common password: %d", rec.Code)
	}
	rec = noor.post(link, url.Values{"name": {"Noor Haddad"}, "new_password": {"lantern orbit pickle"}, "confirm_password": {"lantern orbit pickles"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "not the same") {
		t.Fatalf("passwords that differ: %d", rec.Code)
	}
	rec = noor.post(link, url.Values{"name": {"Noor Haddad"}, "new_password": {"lantern orbit pickle"}, "confirm_password": {"lantern orbit pickle"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/floor?r=harbour" {
		t.Fatalf("accept as someone new: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	if rec := noor.get("/floor?r=harbour"); rec.Code != http.StatusOK {
		t.Fatalf("Noor's floor: %d", rec.Code)
	}
}

func mustUser(t *testing.T, a *app, email string) int64 {
	t.Helper()
	u, err := a.db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestKnownBrowserSignsInThroughAnAttack: the owner signed in once on their
// laptop (which keeps a device cookie) and signed out; a stranger then fails
// 110 times for the owner's account from rotating addresses behind the
// trusted proxy, enough to slow every unknown browser; the owner's laptop
// signs in at once, and an unknown browser is still made to wait.
func TestKnownBrowserSignsInThroughAnAttack(t *testing.T) {
	a := newApp(t, handlers.Config{TrustedProxies: []*net.IPNet{proxy}})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	signIn := func(cl *client, address, password string) *httptest.ResponseRecorder {
		cl.request(viaProxy(httptest.NewRequest(http.MethodGet, "/login", nil), address))
		req := httptestPost("/login", url.Values{"email": {"owner@test.example"}, "password": {password}, "csrf": {cl.csrf()}})
		return cl.request(viaProxy(req, address))
	}
	laptop := a.client()
	if rec := signIn(laptop, "203.0.113.5", testPassword); rec.Code != http.StatusSeeOther {
		t.Fatalf("the owner's first sign-in: %d", rec.Code)
	}
	device := laptop.jar["__Host-device"]
	if device == nil || !device.HttpOnly || !device.Secure || device.MaxAge < 300*24*3600 {
		t.Fatalf("the device cookie %+v", device)
	}
	laptop.post("/logout", nil)
	for i := range 110 {
		stranger := a.client()
		if rec := signIn(stranger, fmt.Sprintf("198.51.%d.%d", 100+i/200, i%200+1), "guess"); rec.Code != http.StatusUnauthorized && rec.Code != http.StatusTooManyRequests {
			t.Fatalf("guess %d: %d", i+1, rec.Code)
		}
	}
	if rec := signIn(a.client(), "203.0.113.77", testPassword); rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("an unknown browser after 110 failures from anywhere: %d", rec.Code)
	}
	if rec := signIn(laptop, "203.0.113.5", testPassword); rec.Code != http.StatusSeeOther || laptop.sessionCookie() == nil {
		t.Fatalf("the owner's own laptop after 110 failures from anywhere: %d\n%s", rec.Code, rec.Body)
	}
}

// TestLoginCSRFFromAnotherOrigin: an attacker who knows the CSRF token of
// an anonymous cookie they planted in the victim's browser still cannot
// sign the victim in to the attacker's account from another site, even in
// a browser that sends no Sec-Fetch-Site: its Origin gives it away.
func TestLoginCSRFFromAnotherOrigin(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "mallory@test.example", "Mallory", store.RoleManager)
	attacker := a.client()
	attacker.get("/login")
	victim := copyOf(attacker) // the planted cookie, and so its token
	req := httptestPost("/login", url.Values{"email": {"mallory@test.example"}, "password": {testPassword}, "csrf": {attacker.csrf()}})
	req.Header.Set("Origin", "https://evil.example")
	if rec := victim.request(req); rec.Code != http.StatusForbidden || victim.sessionCookie() != nil {
		t.Fatalf("a login posted from another origin: %d", rec.Code)
	}
	req = httptestPost("/login", url.Values{"email": {"mallory@test.example"}, "password": {testPassword}, "csrf": {attacker.csrf()}})
	req.Header.Set("Origin", "https://feedback.example.com")
	if rec := victim.request(req); rec.Code != http.StatusSeeOther {
		t.Fatalf("a login from the site itself: %d", rec.Code)
	}
}

// TestRevokeAnInvitation: an invitation sent to the wrong address is listed
// on the staff page until accepted, and revoked there: its link then no
// longer works; another restaurant's owner cannot revoke it.
func TestRevokeAnInvitation(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "owner@test.example", "Olu Owner", store.RoleOwner)
	owner := a.login(t, "owner@test.example")
	rec := owner.post("/restaurants/harbour/staff", url.Values{"email": {"noor@wrong.example"}, "name": {"Noor"}})
	link := regexp.MustCompile(`/invite/[A-Za-z0-9_-]+`).FindString(rec.Body.String())
	page := owner.get("/restaurants/harbour/staff").Body.String()
	revoke := regexp.MustCompile(`/restaurants/harbour/staff/invitations/[^/"]+/revoke`).FindString(page)
	if !strings.Contains(page, "Invitations not yet accepted") || !strings.Contains(page, "noor@wrong.example") || revoke == "" {
		t.Fatalf("the staff page does not list the pending invitation:\n%s", page)
	}
	if strings.Contains(page, strings.TrimPrefix(link, "/invite/")) {
		t.Fatal("the staff page shows the invitation's link again")
	}
	other, _ := a.db.CreateRestaurant(context.Background(), store.Restaurant{Slug: "other", Name: "Other", TimeZone: "UTC"})
	a.staff(t, other, "owen@test.example", "Owen", store.RoleOwner)
	if rec := a.login(t, "owen@test.example").post(strings.Replace(revoke, "/harbour/", "/other/", 1), nil); rec.Code != http.StatusNotFound {
		t.Fatalf("another restaurant's owner revoking it: %d", rec.Code)
	}
	if rec := owner.post(revoke, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if body := owner.get("/restaurants/harbour/staff?done=revoked").Body.String(); !strings.Contains(body, "Invitation revoked") || strings.Contains(body, "noor@wrong.example") {
		t.Fatal("after revoking, the invitation is still listed")
	}
	if rec := a.client().get(link); rec.Code != http.StatusNotFound {
		t.Fatalf("a revoked invitation's link: %d", rec.Code)
	}
}
