package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// deliveriesShown is how much of each webhook's delivery log its page shows.
const deliveriesShown = 10

// renderWebhooks shows a restaurant's webhooks and their latest deliveries,
// with the add form as m holds it.
func (h *Handler) renderWebhooks(c echo.Context, status int, r store.Restaurant, m views.Webhooks) error {
	ctx := c.Request().Context()
	hooks, err := h.db.Webhooks(ctx, r.ID)
	if err != nil {
		return err
	}
	loc := r.Location()
	base := restaurantPath(r) + "/webhooks"
	m.Restaurant, m.AddURL = r.Name, base
	if m.Format == "" {
		m.Format = store.FormatJSON
	}
	for _, w := range hooks {
		row := views.WebhookRow{ID: w.ID, URL: w.URL, Format: formatWords(w.Format), Added: views.DayTime(w.CreatedAt.In(loc)),
			TestURL: base + "/" + strconv.FormatInt(w.ID, 10) + "/test", RemoveURL: base + "/" + strconv.FormatInt(w.ID, 10) + "/remove"}
		ds, err := h.db.Deliveries(ctx, store.ChannelWebhook, w.ID, deliveriesShown)
		if err != nil {
			return err
		}
		for _, d := range ds {
			row.Deliveries = append(row.Deliveries, views.NewDeliveryRow(d, loc))
		}
		m.Hooks = append(m.Hooks, row)
	}
	c.Response().Header().Set("Cache-Control", "no-store") // a secret may be on it
	return h.render(c, status, views.WebhooksPage(h.staffPage(c, "Webhooks · "+r.Name, r, "Webhooks"), m))
}

func formatWords(f string) string {
	if f == store.FormatSlack {
		return "Slack or Mattermost"
	}
	return "Signed JSON"
}

// WebhooksList is GET /restaurants/:slug/webhooks.
func (h *Handler) WebhooksList(c echo.Context) error {
	m := views.Webhooks{}
	switch c.QueryParam("done") {
	case "test":
		m.Flash = "Test queued: it appears in the deliveries below within seconds (reload to see how it went)."
	case "removed":
		m.Flash = "Webhook removed: nothing more is sent to it."
	}
	return h.renderWebhooks(c, http.StatusOK, ownedRestaurant(c), m)
}

// WebhookAdd adds a webhook and shows its secret once: POST
// /restaurants/:slug/webhooks with url and format. An address that is not
// http(s), or that the server may not send to, comes back with a message.
func (h *Handler) WebhookAdd(c echo.Context) error {
	r := ownedRestaurant(c)
	m := views.Webhooks{URL: strings.TrimSpace(c.FormValue("url")), Format: c.FormValue("format")}
	err := h.notifier.CheckTarget(c.Request().Context(), m.URL, false)
	var w store.Webhook
	if err == nil {
		w, err = h.db.AddWebhook(c.Request().Context(), r.ID, m.URL, m.Format)
	}
	if store.ErrorCode(err) == store.EInvalid {
		m.Error = store.ErrorMessage(err)
		return h.renderWebhooks(c, http.StatusUnprocessableEntity, r, m)
	}
	if err != nil {
		return err
	}
	return h.renderWebhooks(c, http.StatusOK, r, views.Webhooks{Added: w.URL, Secret: w.Secret})
}

// webhookOf is the restaurant's webhook named by the :id in the path.
func (h *Handler) webhookOf(c echo.Context, r store.Restaurant) (store.Webhook, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.Webhook{}, store.ErrNotFound
	}
	return h.db.WebhookByID(c.Request().Context(), r.ID, id)
}

// WebhookTest queues a test delivery: POST /restaurants/:slug/webhooks/:id/test.
func (h *Handler) WebhookTest(c echo.Context) error {
	r := ownedRestaurant(c)
	w, err := h.webhookOf(c, r)
	if err != nil {
		return err
	}
	if err := h.notifier.TestWebhook(c.Request().Context(), w, r); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, restaurantPath(r)+"/webhooks?done=test")
}

// WebhookRemove removes a webhook; what is still waiting for it is not sent:
// POST /restaurants/:slug/webhooks/:id/remove.
func (h *Handler) WebhookRemove(c echo.Context) error {
	r := ownedRestaurant(c)
	w, err := h.webhookOf(c, r)
	if err != nil {
		return err
	}
	if err := h.db.RemoveWebhook(c.Request().Context(), r.ID, w.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, restaurantPath(r)+"/webhooks?done=removed")
}
