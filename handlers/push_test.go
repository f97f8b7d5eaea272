package handlers_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

// refusingNotifier refuses, as the server's notifier does without
// -allow-private-hooks, any URL on a host named "private".
type refusingNotifier struct{ tested []int64 }

func (refusingNotifier) PublicKey() string { return "BKey" }
func (refusingNotifier) Wake()             {}
func (refusingNotifier) CheckTarget(_ context.Context, raw string, _ bool) error {
	if err := store.CheckWebhookURL(raw); err != nil {
		return err
	}
	if u, _ := url.Parse(raw); u.Hostname() == "private.test" {
		return store.Errorf(store.EInvalid, "private.test is a private address; start the server with -allow-private-hooks to allow it.")
	}
	return nil
}
func (n *refusingNotifier) TestWebhook(_ context.Context, w store.Webhook, _ store.Restaurant) error {
	n.tested = append(n.tested, w.ID)
	return nil
}

// phoneKeys is what a browser's PushSubscription.toJSON() holds.
func phoneKeys(t *testing.T) (p256dh, auth string) {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, 16)
	rand.Read(secret)
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()), base64.RawURLEncoding.EncodeToString(secret)
}

// postJSON sends JSON as floor.js does: the CSRF token in a header.
func (cl *client) postJSON(target, body string, withToken bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if withToken {
		req.Header.Set("X-CSRF-Token", cl.csrf())
	}
	return cl.request(req)
}

func TestPushKeyAndSubscribe(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	u := a.staff(t, a.restaurant, "mia@harbour.example", "Mia", store.RoleManager)

	if rec := a.get("/floor/push/key?r=harbour"); rec.Code != http.StatusSeeOther && rec.Code != http.StatusUnauthorized {
		t.Fatalf("the key without signing in: %d", rec.Code)
	}
	cl := a.login(t, "mia@harbour.example")
	cl.get("/floor?r=harbour") // the floor page sets the CSRF cookie
	rec := cl.get("/floor/push/key?r=harbour")
	key, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(rec.Body.String()))
	if rec.Code != http.StatusOK || err != nil || len(key) != 65 || key[0] != 4 {
		t.Fatalf("key: %d %q (%v): want base64url of an uncompressed P-256 point", rec.Code, rec.Body, err)
	}
	if _, err := ecdh.P256().NewPublicKey(key); err != nil {
		t.Fatalf("the key is not on P-256: %v", err)
	}

	p256dh, auth := phoneKeys(t)
	sub := `{"endpoint":"https://fcm.googleapis.com/fcm/send/abc","expirationTime":null,"keys":{"p256dh":"` + p256dh + `","auth":"` + auth + `"}}`
	if rec := cl.postJSON("/floor/push/subscribe?r=harbour", sub, false); rec.Code != http.StatusForbidden {
		t.Fatalf("without the CSRF header: %d %s", rec.Code, rec.Body)
	}
	if rec := cl.postJSON("/floor/push/subscribe?r=harbour", sub, true); rec.Code != http.StatusCreated {
		t.Fatalf("subscribe: %d %s", rec.Code, rec.Body)
	}
	// The same phone again (the page reloaded) is one subscription.
	if rec := cl.postJSON("/floor/push/subscribe?r=harbour", sub, true); rec.Code != http.StatusCreated {
		t.Fatalf("subscribe again: %d %s", rec.Code, rec.Body)
	}
	subs, err := a.db.PushSubscriptions(ctx, u.ID, a.restaurant.ID)
	if err != nil || len(subs) != 1 || subs[0].Endpoint != "https://fcm.googleapis.com/fcm/send/abc" || subs[0].P256dh != p256dh {
		t.Fatalf("stored: %+v %v", subs, err)
	}

	if rec := cl.postJSON("/floor/push/unsubscribe?r=harbour", `{"endpoint":"https://fcm.googleapis.com/fcm/send/abc"}`, true); rec.Code != http.StatusOK {
		t.Fatalf("unsubscribe: %d %s", rec.Code, rec.Body)
	}
	if subs, _ := a.db.PushSubscriptions(ctx, u.ID, a.restaurant.ID); len(subs) != 0 {
		t.Fatalf("still stored after unsubscribe: %+v", subs)
	}

	// Only the staff of a restaurant may have its alerts pushed.
	other, err := a.db.CreateRestaurant(ctx, store.Restaurant{Slug: "other", Name: "Other", TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if rec := cl.postJSON("/floor/push/subscribe?r="+other.Slug, sub, true); rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
		t.Fatalf("subscribing to a restaurant one does not work at: %d", rec.Code)
	}
}

func TestPushSubscribeRefusesBadInput(t *testing.T) {
	n := &refusingNotifier{}
	a := newApp(t, handlers.Config{Notifier: n})
	a.staff(t, a.restaurant, "mia@harbour.example", "Mia", store.RoleManager)
	cl := a.login(t, "mia@harbour.example")
	cl.get("/floor?r=harbour")
	p256dh, auth := phoneKeys(t)
	withEndpoint := func(endpoint string) string {
		b, _ := json.Marshal(map[string]any{"endpoint": endpoint, "keys": map[string]string{"p256dh": p256dh, "auth": auth}})
		return string(b)
	}
	for _, c := range []struct{ name, body, says string }{
		{"not JSON", `endpoint=https://x`, "not a push subscription"},
		{"cut short", `{"endpoint":"https://push.example/`, "not a push subscription"},
		{"no keys", `{"endpoint":"https://push.example/a"}`, ""},
		{"keys not base64", `{"endpoint":"https://push.example/a","keys":{"p256dh":"!!!","auth":"???"}}`, ""},
		{"a key not on the curve", `{"endpoint":"https://push.example/a","keys":{"p256dh":"` + base64.RawURLEncoding.EncodeToString(append([]byte{4}, make([]byte, 64)...)) + `","auth":"` + auth + `"}}`, ""},
		{"not http", withEndpoint("javascript:alert(1)"), ""},
		{"private", withEndpoint("https://private.test/push"), "-allow-private-hooks"},
		{"too big", `{"endpoint":"https://push.example/` + strings.Repeat("a", 9000) + `"}`, "not a push subscription"},
	} {
		rec := cl.postJSON("/floor/push/subscribe?r=harbour", c.body, true)
		var out struct{ Error string }
		if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Error == "" || !strings.Contains(out.Error, c.says) {
			t.Errorf("%s: %d %s; want 400 with a message saying %q", c.name, rec.Code, rec.Body, c.says)
		}
	}
	if subs, _ := a.db.PushSubscriptions(context.Background(), 0, a.restaurant.ID); len(subs) != 0 {
		t.Fatalf("stored from bad input: %+v", subs)
	}
}

func TestNotifyPrefsComeBackAsTyped(t *testing.T) {
	a := newApp(t, handlers.Config{})
	u := a.staff(t, a.restaurant, "mia@harbour.example", "Mia", store.RoleManager)
	cl := a.login(t, "mia@harbour.example")
	if rec := cl.get("/floor?r=harbour"); !strings.Contains(rec.Body.String(), `value="all" checked`) {
		t.Fatalf("a manager is told of every alert by default:\n%s", rec.Body)
	}
	rec := cl.post("/floor/notifications?r=harbour", url.Values{"level": {"urgent"}, "quiet_from": {"25:00"}, "quiet_to": {"10:00"}})
	body := rec.Body.String()
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Give quiet hours as two times") ||
		!strings.Contains(body, `value="25:00"`) || !strings.Contains(body, `value="urgent" checked`) {
		t.Fatalf("bad quiet hours: %d\n%s", rec.Code, body)
	}
	if rec := cl.post("/floor/notifications?r=harbour", url.Values{"level": {"loud"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown level: %d", rec.Code)
	}
	rec = cl.post("/floor/notifications?r=harbour", url.Values{"level": {"urgent"}, "quiet_from": {"22:30"}, "quiet_to": {"10:00"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, rec.Body)
	}
	p, err := a.db.NotifyPrefsOf(context.Background(), u.ID, a.restaurant.ID)
	if err != nil || p.Level != store.NotifyUrgent || p.QuietFrom != 22*60+30 || p.QuietTo != 10*60 {
		t.Fatalf("saved: %+v %v", p, err)
	}
	body = cl.get(rec.Header().Get("Location")).Body.String()
	if !strings.Contains(body, `value="22:30"`) || !strings.Contains(body, `value="urgent" checked`) || !strings.Contains(body, "Saved") {
		t.Fatalf("the floor after saving:\n%s", body)
	}
}

// TestDevicesOnTheAccountPage: a person's account lists the phones they
// told to notify them, each with a Remove button that stops it (and only
// theirs); signing out of the phone stops it too.
func TestDevicesOnTheAccountPage(t *testing.T) {
	a := newApp(t, handlers.Config{})
	ctx := context.Background()
	u := a.staff(t, a.restaurant, "mia@harbour.example", "Mia", store.RoleManager)
	subscribe := func(cl *client, endpoint string) {
		t.Helper()
		cl.get("/floor?r=harbour")
		p256dh, auth := phoneKeys(t)
		sub := `{"endpoint":"` + endpoint + `","keys":{"p256dh":"` + p256dh + `","auth":"` + auth + `"}}`
		if rec := cl.postJSON("/floor/push/subscribe?r=harbour", sub, true); rec.Code != http.StatusCreated {
			t.Fatalf("subscribe: %d %s", rec.Code, rec.Body)
		}
	}
	phone, laptop := a.login(t, "mia@harbour.example"), a.login(t, "mia@harbour.example")
	subscribe(phone, "https://fcm.googleapis.com/fcm/send/phone")
	subscribe(laptop, "https://updates.push.services.mozilla.com/wpush/v2/laptop")
	page := laptop.get("/account").Body.String()
	if !strings.Contains(page, "Google (Chrome, Edge, Android)") || !strings.Contains(page, "Mozilla (Firefox)") || strings.Count(page, ">Remove<") != 2 {
		t.Fatalf("the account page does not list both devices:\n%s", page)
	}
	remove := regexp.MustCompile(`/account/devices/(\d+)/remove`).FindAllStringSubmatch(page, -1)
	// Another person cannot remove Mia's.
	a.staff(t, a.restaurant, "sam@harbour.example", "Sam", store.RoleManager)
	if rec := a.login(t, "sam@harbour.example").post(remove[0][0], nil); rec.Code != http.StatusNotFound {
		t.Fatalf("another person removing Mia's device: %d", rec.Code)
	}
	if rec := laptop.post(remove[0][0], nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d", rec.Code)
	}
	if subs, _ := a.db.PushSubscriptions(ctx, u.ID, a.restaurant.ID); len(subs) != 1 {
		t.Fatalf("%d subscriptions after removing one of two", len(subs))
	}
	left := phone
	if subs, _ := a.db.PushSubscriptions(ctx, u.ID, a.restaurant.ID); strings.Contains(subs[0].Endpoint, "laptop") {
		left = laptop
	}
	left.post("/logout", nil)
	if subs, _ := a.db.PushSubscriptions(ctx, u.ID, a.restaurant.ID); len(subs) != 0 {
		t.Fatalf("a phone's subscription outlived signing out of it: %+v", subs)
	}
}
