package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// Home tells a newcomer where the diner, floor and owner views are: GET /.
func (h *Handler) Home(c echo.Context) error {
	ctx := c.Request().Context()
	rs, err := h.db.Restaurants(ctx)
	if err != nil {
		return err
	}
	var m views.Home
	for _, r := range rs {
		base := tablesPath(r)
		m.Restaurants = append(m.Restaurants, views.HomeRestaurant{Name: r.Name, TablesURL: base, CardsURL: base + "/cards"})
		if h.cfg.Demo && r.Slug == store.DemoSlug {
			tables, err := h.db.ActiveTables(ctx, r.ID)
			if err != nil {
				return err
			}
			if len(tables) > 0 {
				m.DemoSurveyURL, m.DemoSurveyName = "/t/"+tables[0].Token, tables[0].Label+" at "+r.Name
			}
		}
	}
	return h.render(c, http.StatusOK, views.HomePage(h.page("Tableside"), m))
}

// Healthz answers 200 when the database answers a query, 503 otherwise:
// GET /healthz.
func (h *Handler) Healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	c.Response().Header().Set("Cache-Control", "no-store")
	if err := h.db.Ping(ctx); err != nil {
		h.log.Error("health check failed", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ok\n")
}
