package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/store"
)

func TestOwnerWebhooks(t *testing.T) {
	n := &refusingNotifier{}
	a := newApp(t, handlers.Config{Notifier: n})
	ctx := context.Background()
	a.staff(t, a.restaurant, "olga@harbour.example", "Olga", store.RoleOwner)
	a.staff(t, a.restaurant, "mia@harbour.example", "Mia", store.RoleManager)
	if rec := a.login(t, "mia@harbour.example").get("/restaurants/harbour/webhooks"); rec.Code != http.StatusNotFound {
		t.Fatalf("a manager sees the webhooks: %d", rec.Code)
	}
	cl := a.login(t, "olga@harbour.example")
	if rec := cl.get("/restaurants/harbour/webhooks"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "No webhooks yet") {
		t.Fatalf("empty list: %d\n%s", rec.Code, rec.Body)
	}
	// The page says which of a guest's data JSON deliveries carry, as they
	// do (notify's webhookData: guest_name, contact), and claims nothing else.
	if body := cl.get("/restaurants/harbour/webhooks").Body.String(); !strings.Contains(body, "<code>guest_name</code>") ||
		!strings.Contains(body, "<code>contact</code>") || strings.Contains(body, "never sent") {
		t.Error("the webhooks page does not say which guest data JSON deliveries carry")
	}

	// Refused, with the address kept and a message.
	for _, c := range []struct{ url, says string }{
		{"ftp://files.example.com/in", "http or https"},
		{"hooks.example.com", "http or https"},
		{"https://private.test/hook", "-allow-private-hooks"},
	} {
		rec := cl.post("/restaurants/harbour/webhooks", url.Values{"url": {c.url}, "format": {"json"}})
		body := rec.Body.String()
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, c.says) || !strings.Contains(body, `value="`+c.url+`"`) {
			t.Errorf("%s: %d, want 422 saying %q with the address kept\n%s", c.url, rec.Code, c.says, body)
		}
	}
	if rec := cl.post("/restaurants/harbour/webhooks", url.Values{"url": {"https://hooks.example.com/a"}, "format": {"xml"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown format: %d", rec.Code)
	}

	// Added: the secret is shown once.
	rec := cl.post("/restaurants/harbour/webhooks", url.Values{"url": {`https://hooks.example.com/in?x="><script>alert(1)</script>`}, "format": {"slack"}})
	body := rec.Body.String()
	secret := regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).FindString(body)
	if rec.Code != http.StatusOK || secret == "" || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("add: %d %q\n%s", rec.Code, rec.Header().Get("Cache-Control"), body)
	}
	if strings.Contains(body, "<script>alert") {
		t.Fatal("the address is not escaped")
	}
	hooks, err := a.db.Webhooks(ctx, a.restaurant.ID)
	if err != nil || len(hooks) != 1 || hooks[0].Secret != secret || hooks[0].Format != store.FormatSlack {
		t.Fatalf("stored: %+v %v", hooks, err)
	}
	w := hooks[0]
	if body := cl.get("/restaurants/harbour/webhooks").Body.String(); strings.Contains(body, secret) || !strings.Contains(body, "Slack or Mattermost") {
		t.Fatalf("the secret is shown again, or the webhook is not listed:\n%s", body)
	}

	// The delivery log says how each went.
	now := time.Now().Add(time.Second) // after the rows' time
	if err := a.db.Enqueue(ctx, []store.Delivery{
		{Channel: store.ChannelWebhook, TargetID: w.ID, RestaurantID: a.restaurant.ID, MessageID: "msg_1", Payload: `{"text":"Table 2: asked for someone"}`},
		{Channel: store.ChannelWebhook, TargetID: w.ID, RestaurantID: a.restaurant.ID, MessageID: "msg_2", Payload: `{"type":"alert.raised"}`},
	}); err != nil {
		t.Fatal(err)
	}
	if claimed, err := a.db.ClaimDeliveries(ctx, now, time.Minute, 10, 0, nil); err != nil || len(claimed) != 2 {
		t.Fatalf("claimed %d: %v", len(claimed), err)
	}
	ds, _ := a.db.Deliveries(ctx, store.ChannelWebhook, w.ID, 10)
	if err := a.db.FinishDelivery(ctx, ds[1].ID, store.DeliverySent, 200, ""); err != nil {
		t.Fatal(err)
	}
	if err := a.db.RetryDelivery(ctx, ds[0].ID, now.Add(10*time.Second), 503, "the receiver is down"); err != nil {
		t.Fatal(err)
	}
	body = cl.get("/restaurants/harbour/webhooks").Body.String()
	for _, want := range []string{"Table 2: asked for someone", "Delivered", "alert.raised", "Failed 1×", "HTTP 503 Service Unavailable"} {
		if !strings.Contains(body, want) {
			t.Errorf("the delivery log does not say %q", want)
		}
	}

	// Test-send goes to the notifier; another restaurant's webhook is not found.
	if rec := cl.post("/restaurants/harbour/webhooks/"+strconv.FormatInt(w.ID, 10)+"/test", nil); rec.Code != http.StatusSeeOther || len(n.tested) != 1 || n.tested[0] != w.ID {
		t.Fatalf("test: %d %v", rec.Code, n.tested)
	}
	other, _ := a.db.CreateRestaurant(ctx, store.Restaurant{Slug: "other", Name: "Other", TimeZone: "UTC"})
	a.staff(t, other, "olga@harbour.example", "Olga", store.RoleOwner)
	if rec := cl.post("/restaurants/other/webhooks/"+strconv.FormatInt(w.ID, 10)+"/remove", nil); rec.Code != http.StatusNotFound {
		t.Fatalf("removing another restaurant's webhook: %d", rec.Code)
	}
	if rec := cl.post("/restaurants/harbour/webhooks/"+strconv.FormatInt(w.ID, 10)+"/remove", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d", rec.Code)
	}
	if hooks, _ := a.db.Webhooks(ctx, a.restaurant.ID); len(hooks) != 0 {
		t.Fatalf("still there: %+v", hooks)
	}
	if ds, _ := a.db.Deliveries(ctx, store.ChannelWebhook, w.ID, 10); ds[0].Status != store.DeliveryGone {
		t.Fatalf("a removed webhook's pending delivery is still pending: %+v", ds[0])
	}
}
