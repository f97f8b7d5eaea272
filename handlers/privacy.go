package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// The owner's privacy page: a guest who asks what the restaurant holds
// about them, or for it to be erased, is found by their email or phone.

func (h *Handler) renderPrivacy(c echo.Context, status int, r store.Restaurant, m views.Privacy) error {
	base := restaurantPath(r) + "/privacy"
	m.Restaurant, m.ExportAction, m.EraseAction, m.RetainDays = r.Name, base+"/export", base+"/erase", h.cfg.RetainContactsDays
	if r.Country != "" {
		m.Country = views.CountryName(r.Country)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.PrivacyPage(h.staffPage(c, "Privacy · "+r.Name, r, "Privacy"), m))
}

// Privacy is GET /restaurants/:slug/privacy.
func (h *Handler) Privacy(c echo.Context) error {
	return h.renderPrivacy(c, http.StatusOK, ownedRestaurant(c), views.Privacy{})
}

// PrivacyExport downloads, as JSON, everything the restaurant holds about
// the guest with the email or phone in the form field contact:
// POST /restaurants/:slug/privacy/export.
func (h *Handler) PrivacyExport(c echo.Context) error {
	r := ownedRestaurant(c)
	contact := c.FormValue("contact")
	g, err := h.db.FindGuest(c.Request().Context(), r.ID, contact)
	if store.ErrorCode(err) == store.EInvalid {
		return h.renderPrivacy(c, http.StatusUnprocessableEntity, r, views.Privacy{Contact: contact, Error: store.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	if len(g.Responses) == 0 && len(g.InPerson) == 0 {
		return h.renderPrivacy(c, http.StatusOK, r, views.Privacy{Contact: contact, Nothing: true})
	}
	body, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	h.log.Info("guest data exported", "restaurant", r.Slug, "by", staffOf(c).user.ID, "responses", len(g.Responses))
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="tableside-guest-data.json"`)
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
}

// PrivacyErase erases everything the restaurant holds about the guest with
// the email or phone in the form field contact, once the owner has ticked
// confirm: POST /restaurants/:slug/privacy/erase. The log says who erased
// how much, never whose.
func (h *Handler) PrivacyErase(c echo.Context) error {
	r := ownedRestaurant(c)
	contact := c.FormValue("contact")
	if c.FormValue("confirm") == "" {
		return h.renderPrivacy(c, http.StatusUnprocessableEntity, r, views.Privacy{Contact: contact,
			Error: "Tick the box to confirm: an erasure cannot be undone."})
	}
	by := staffOf(c).user.ID
	e, err := h.db.EraseGuest(c.Request().Context(), r.ID, by, contact)
	if store.ErrorCode(err) == store.EInvalid {
		return h.renderPrivacy(c, http.StatusUnprocessableEntity, r, views.Privacy{Contact: contact, Error: store.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	h.log.Info("guest data erased", "restaurant", r.Slug, "by", by, "responses", e.Responses, "alerts", e.Alerts, "deliveries", e.Deliveries)
	return h.renderPrivacy(c, http.StatusOK, r, views.Privacy{Erased: &e, Nothing: e.Responses == 0 && e.Alerts == 0})
}
