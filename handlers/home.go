package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// Home tells a newcomer where the diner, floor and owner views are: GET /.
// With -demo it links a demo table's survey and shows the demo logins.
func (h *Handler) Home(c echo.Context) error {
	m := views.Home{Demo: h.cfg.Demo}
	if h.cfg.Demo {
		ctx := c.Request().Context()
		r, err := h.db.RestaurantBySlug(ctx, store.DemoSlug)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
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

// Healthz answers 200 when the database answers a query, 503 naming the
// dependency that does not otherwise: GET /healthz.
func (h *Handler) Healthz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	c.Response().Header().Set("Cache-Control", "no-store")
	if err := h.db.Ping(ctx); err != nil {
		h.log.Error("health check failed", "err", err)
		return c.String(http.StatusServiceUnavailable, "unavailable: the database ("+h.db.Engine()+") does not answer\n")
	}
	return c.String(http.StatusOK, "ok\n")
}
