package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// Notifier is what the HTTP layer needs of the notifications: the key that
// phones subscribe with, where a push endpoint or webhook may point, and a
// test delivery for a webhook. The server's main gives its notifier.
type Notifier interface {
	PublicKey() string
	CheckTarget(ctx context.Context, rawURL string, push bool) error
	TestWebhook(ctx context.Context, w store.Webhook, r store.Restaurant) error
	// Wake has the outbox looked at now (an account email was queued).
	Wake()
}

// noNotifier stands in where no notifier runs (a handler test): it checks
// only the form of URLs, and sends nothing.
type noNotifier struct{ key string }

func (n noNotifier) PublicKey() string { return n.key }
func (noNotifier) Wake()               {}
func (noNotifier) CheckTarget(_ context.Context, raw string, _ bool) error {
	return store.CheckWebhookURL(raw)
}
func (noNotifier) TestWebhook(context.Context, store.Webhook, store.Restaurant) error {
	return store.Errorf(store.EUnavailable, "Notifications are not running on this server.")
}

// PushKey answers the server's VAPID public key (base64url, the uncompressed
// P-256 point), which a phone subscribes with: GET /floor/push/key.
func (h *Handler) PushKey(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.String(http.StatusOK, h.notifier.PublicKey())
}

// pushSubscriptionJSON is a browser's PushSubscription.toJSON().
type pushSubscriptionJSON struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// jsonError answers a script with a message for the person using it.
func jsonError(c echo.Context, status int, message string) error {
	return c.JSON(status, map[string]string{"error": message})
}

// readJSON reads a small JSON body.
func readJSON(c echo.Context, v any) error {
	// Fields a browser adds (expirationTime) are ignored.
	return json.NewDecoder(io.LimitReader(c.Request().Body, 8<<10)).Decode(v)
}

// PushSubscribe records that this phone wants pushes for the restaurant:
// POST /floor/push/subscribe?r=SLUG with the browser's PushSubscription as
// JSON and the CSRF token in X-CSRF-Token. A malformed one, or an endpoint
// that may not be sent to, is a 400 with a message.
func (h *Handler) PushSubscribe(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	var in pushSubscriptionJSON
	if err := readJSON(c, &in); err != nil {
		return jsonError(c, http.StatusBadRequest, "That is not a push subscription: send the browser's PushSubscription as JSON.")
	}
	sub := store.PushSubscription{UserID: staffOf(c).user.ID, SessionID: staffOf(c).session.ID, RestaurantID: r.ID, Endpoint: in.Endpoint,
		P256dh: in.Keys.P256dh, Auth: in.Keys.Auth}
	if err := sub.Check(); err != nil {
		return jsonError(c, http.StatusBadRequest, store.ErrorMessage(err))
	}
	if err := h.notifier.CheckTarget(c.Request().Context(), sub.Endpoint, true); err != nil {
		return jsonError(c, http.StatusBadRequest, store.ErrorMessage(err))
	}
	if _, err := h.db.SavePushSubscription(c.Request().Context(), sub); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]bool{"ok": true})
}

// PushUnsubscribe forgets this phone's subscription for the restaurant:
// POST /floor/push/unsubscribe?r=SLUG with {"endpoint": …}.
func (h *Handler) PushUnsubscribe(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	var in struct {
		Endpoint string `json:"endpoint"`
		Keys     any    `json:"keys"`
	}
	if err := readJSON(c, &in); err != nil || in.Endpoint == "" {
		return jsonError(c, http.StatusBadRequest, "Send the subscription's endpoint as JSON.")
	}
	if err := h.db.RemovePushSubscription(c.Request().Context(), staffOf(c).user.ID, r.ID, in.Endpoint); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]bool{"ok": true})
}

// parseClockTime reads "22:00" as minutes after midnight.
func parseClockTime(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

func clockTime(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// SaveNotifyPrefs saves what this person wants pushed about the restaurant:
// POST /floor/notifications?r=SLUG with level, quiet_from and quiet_to.
func (h *Handler) SaveNotifyPrefs(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	p := store.NotifyPrefs{Level: store.NotifyLevel(c.FormValue("level"))}
	from, to := c.FormValue("quiet_from"), c.FormValue("quiet_to")
	if from != "" || to != "" {
		var ferr, terr error
		p.QuietFrom, ferr = parseClockTime(from)
		p.QuietTo, terr = parseClockTime(to)
		if ferr != nil || terr != nil {
			return h.renderFloorPrefs(c, r, p, from, to, "Give quiet hours as two times, like 22:00 and 10:00.")
		}
	}
	err = h.db.SetNotifyPrefs(c.Request().Context(), staffOf(c).user.ID, r.ID, p)
	if store.ErrorCode(err) == store.EInvalid {
		return h.renderFloorPrefs(c, r, p, from, to, store.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, floorPath(r)+"&done=notify")
}

// notifyForm is the floor's notification settings for one person, with the
// quiet hours as typed (from, to) when they come back with a mistake.
func notifyForm(r store.Restaurant, p store.NotifyPrefs, from, to, mistake string) views.NotifyForm {
	q := "?r=" + url.QueryEscape(r.Slug)
	f := views.NotifyForm{Action: "/floor/notifications" + q, KeyURL: "/floor/push/key" + q,
		SubscribeURL: "/floor/push/subscribe" + q, UnsubscribeURL: "/floor/push/unsubscribe" + q,
		Level: string(p.Level), QuietFrom: from, QuietTo: to, Error: mistake}
	if from == "" && to == "" && p.QuietFrom != p.QuietTo {
		f.QuietFrom, f.QuietTo = clockTime(p.QuietFrom), clockTime(p.QuietTo)
	}
	return f
}

// renderFloorPrefs shows the floor with the notification settings as typed
// and what is wrong with them.
func (h *Handler) renderFloorPrefs(c echo.Context, r store.Restaurant, p store.NotifyPrefs, from, to, mistake string) error {
	f := notifyForm(r, p, from, to, mistake)
	return h.renderFloor(c, http.StatusUnprocessableEntity, r, floorForms{notify: &f})
}
