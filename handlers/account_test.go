package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// TestPasswordChangeEndsOtherSessions: changing one's password needs the
// current one and a new one that is not common, and signs out every other
// browser signed in as them (the stolen tablet), but not this one.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	here := a.login(t, "sam@test.example")
	tablet := a.login(t, "sam@test.example")
	here.get("/account")
	if body := here.get("/account").Body.String(); strings.Count(body, "last used") != 2 || !strings.Contains(body, "this device") {
		t.Fatalf("the account lists its two sessions:\n%s", body)
	}
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"current_password": {"wrong one entirely"}, "new_password": {"lantern orbit pickle"}, "confirm_password": {"lantern orbit pickle"}}, "current password is not that"},
		{url.Values{"current_password": {testPassword}, "new_password": {"iloveyou12345"}, "confirm_password": {"iloveyou12345"}}, "too easy to guess"},
		{url.Values{"current_password": {testPassword}, "new_password": {"Sam Patel 2026"}, "confirm_password": {"Sam Patel 2026"}}, "too easy to guess"},
		{url.Values{"current_password": {testPassword}, "new_password": {"short"}, "confirm_password": {"short"}}, "at least 10"},
		{url.Values{"current_password": {testPassword}, "new_password": {"lantern orbit pickle"}, "confirm_password": {"lantern orbit"}}, "not the same"},
	} {
		rec := here.post("/account/password", c.form)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), c.field) {
			t.Errorf("%v: %d, want a message saying %q", c.form, rec.Code, c.field)
		}
	}
	if rec := tablet.get("/floor"); rec.Code != http.StatusOK {
		t.Fatalf("a failed change signed the tablet out: %d", rec.Code)
	}
	rec := here.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"lantern orbit pickle"},
		"confirm_password": {"lantern orbit pickle"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", rec.Code, rec.Body)
	}
	if rec := tablet.get("/floor"); rec.Code != http.StatusSeeOther {
		t.Fatalf("the other session after a password change: %d", rec.Code)
	}
	if rec := here.get(rec.Header().Get("Location")); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Password changed") {
		t.Fatalf("this session after the change: %d", rec.Code)
	}
	if _, err := a.db.CheckPassword(context.Background(), "sam@test.example", "lantern orbit pickle", "192.0.2.1"); err != nil {
		t.Fatalf("the new password: %v", err)
	}
	// Sign out everywhere else.
	other := a.client()
	other.get("/login")
	other.post("/login", url.Values{"email": {"sam@test.example"}, "password": {"lantern orbit pickle"}})
	here.get("/account")
	if rec := here.post("/account/sessions/end-others", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("end others: %d", rec.Code)
	}
	if rec := other.get("/floor"); rec.Code != http.StatusSeeOther {
		t.Fatalf("after signing out everywhere else: %d", rec.Code)
	}
	if rec := here.get("/floor"); rec.Code != http.StatusOK {
		t.Fatalf("this session after signing out the others: %d", rec.Code)
	}
	// The name, as typed on a mistake.
	here.get("/account")
	if rec := here.post("/account/name", url.Values{"name": {"Sam\nPatel"}}); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "one line") {
		t.Fatalf("a name with a newline: %d", rec.Code)
	}
	if rec := here.post("/account/name", url.Values{"name": {"Samuel Patel"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("a name: %d", rec.Code)
	}
}

// TestPasswordResetByEmail: with SMTP, "forgot" answers the same for an
// account and for no account, and mails a link only to the account; the
// link works once, for 30 minutes, sets a password that is not common, and
// ends every session.
func TestPasswordResetByEmail(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	a := newApp(t, handlers.Config{Now: clock, Mail: true})
	ctx := context.Background()
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	tablet := a.login(t, "sam@test.example")
	forgot := func(email string) string {
		cl := a.client()
		cl.get("/login/forgot")
		rec := cl.post("/login/forgot", url.Values{"email": {email}})
		if rec.Code != http.StatusOK {
			t.Fatalf("forgot %s: %d", email, rec.Code)
		}
		return strings.ReplaceAll(rec.Body.String(), email, "EMAIL")
	}
	known, unknown := forgot("sam@test.example"), forgot("nobody@test.example")
	if regexp.MustCompile(`name="csrf" value="[^"]*"`).ReplaceAllString(known, "") !=
		regexp.MustCompile(`name="csrf" value="[^"]*"`).ReplaceAllString(unknown, "") || !strings.Contains(known, "If there is an account for EMAIL") {
		t.Fatal("forgot answers differently for an account and for none")
	}
	mails, err := a.db.ClaimDeliveries(ctx, now.Add(time.Second), time.Minute, 10, 0, nil)
	if err != nil || len(mails) != 1 || mails[0].Channel != store.ChannelEmail {
		t.Fatalf("mails queued: %+v (%v); want one, to the account", mails, err)
	}
	var m store.EmailMessage
	json.Unmarshal([]byte(mails[0].Payload), &m)
	link := regexp.MustCompile(`https://feedback\.example\.com(/login/reset\?token=\S+)`).FindStringSubmatch(m.Text)
	if m.To != "sam@test.example" || link == nil {
		t.Fatalf("the mail: %+v", m)
	}
	if err := a.db.FinishDelivery(ctx, mails[0].ID, store.DeliverySent, 0, ""); err != nil {
		t.Fatal(err)
	}
	// Asking again at once sends nothing more.
	forgot("sam@test.example")
	if more, _ := a.db.ClaimDeliveries(ctx, now.Add(time.Second), time.Minute, 10, 0, nil); len(more) != 0 {
		t.Fatalf("a second mail within two minutes: %d", len(more))
	}

	sam := a.client()
	if rec := sam.get(link[1]); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "sam@test.example") {
		t.Fatalf("the reset page: %d", rec.Code)
	}
	if rec := sam.post(link[1], url.Values{"new_password": {"password1234"}, "confirm_password": {"password1234"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a common password: %d", rec.Code)
	}
	rec := sam.post(link[1], url.Values{"new_password": {"lantern orbit pickle"}, "confirm_password": {"lantern orbit pickle"}})
	if rec.Code != http.StatusSeeOther || sam.sessionCookie() == nil {
		t.Fatalf("reset: %d", rec.Code)
	}
	if rec := tablet.get("/floor"); rec.Code != http.StatusSeeOther {
		t.Fatalf("the old session after a reset: %d", rec.Code)
	}
	if rec := sam.get("/floor"); rec.Code != http.StatusOK {
		t.Fatalf("signed in by the reset: %d", rec.Code)
	}
	if rec := a.client().get(link[1]); rec.Code != http.StatusNotFound {
		t.Fatalf("the link used twice: %d", rec.Code)
	}
	// A link unused for 31 minutes no longer works.
	mu.Lock()
	now = now.Add(5 * time.Minute)
	mu.Unlock()
	forgot("sam@test.example")
	mails, _ = a.db.ClaimDeliveries(ctx, now.Add(time.Second), time.Minute, 10, 0, nil)
	if len(mails) != 1 {
		t.Fatalf("the second reset's mail: %d", len(mails))
	}
	json.Unmarshal([]byte(mails[0].Payload), &m)
	late := regexp.MustCompile(`(/login/reset\?token=\S+)`).FindString(m.Text)
	mu.Lock()
	now = now.Add(31 * time.Minute)
	mu.Unlock()
	if rec := a.client().get(late); rec.Code != http.StatusNotFound {
		t.Fatalf("a link 31 minutes old: %d", rec.Code)
	}
}

// TestForgotWithoutMail: a server that sends no email says whom to ask, and
// queues nothing.
func TestForgotWithoutMail(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	cl := a.client()
	cl.get("/login")
	if body := cl.get("/login/forgot").Body.String(); !strings.Contains(body, "tableside user reset-password") {
		t.Fatalf("without mail:\n%s", body)
	}
	if rec := cl.post("/login/forgot", url.Values{"email": {"sam@test.example"}}); rec.Code != http.StatusOK ||
		!strings.Contains(rec.Body.String(), "-email sam@test.example") {
		t.Fatalf("forgot without mail: %d", rec.Code)
	}
	if mails, _ := a.db.ClaimDeliveries(context.Background(), time.Now().Add(time.Hour), time.Minute, 10, 0, nil); len(mails) != 0 {
		t.Fatalf("queued %d mails without SMTP", len(mails))
	}
}

// TestPasswordChangeIsThrottled: a stolen session cannot guess its way to
// the account through the current-password check: past a few wrong ones
// it must wait, even with the right one, as a sign-in would.
func TestPasswordChangeIsThrottled(t *testing.T) {
	a := newApp(t, handlers.Config{})
	a.staff(t, a.restaurant, "sam@test.example", "Sam Patel", store.RoleManager)
	thief := a.login(t, "sam@test.example")
	change := func(current string) *httptest.ResponseRecorder {
		return thief.post("/account/password", url.Values{"current_password": {current}, "new_password": {"lantern orbit pickle"},
			"confirm_password": {"lantern orbit pickle"}})
	}
	for i := range store.FreeFailures + 1 {
		if rec := change(fmt.Sprintf("guess %d", i)); rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("guess %d: %d", i+1, rec.Code)
		}
	}
	rec := change(testPassword)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "Too many wrong passwords") {
		t.Fatalf("the right password at once after %d wrong ones: %d", store.FreeFailures+1, rec.Code)
	}
}
