package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// summaryScope is what a summary request covers: the owner's restaurant of
// ?r=SLUG, or without it all the restaurants they own, and the week: ?week=
// or the last complete week in the first restaurant's time zone.
type summaryScope struct {
	restaurants []store.Restaurant
	owned       []store.Restaurant
	slug        string
	week        store.Week // in the first restaurant's zone
	now         time.Time
}

func (h *Handler) summaryScope(c echo.Context) (summaryScope, error) {
	sc := summaryScope{slug: c.QueryParam("r"), now: h.now()}
	for _, m := range staffOf(c).memberships {
		if m.Role == store.RoleOwner {
			sc.owned = append(sc.owned, m.Restaurant)
		}
	}
	if len(sc.owned) == 0 {
		return sc, store.Errorf(store.ENotFound, "The weekly summary is for owners. Ask an owner of your restaurant to share it.")
	}
	sc.restaurants = sc.owned
	if sc.slug != "" {
		m, ok := staffOf(c).role(sc.slug)
		if !ok || m.Role != store.RoleOwner {
			return sc, store.ErrNotFound
		}
		sc.restaurants = []store.Restaurant{m.Restaurant}
	}
	var err error
	sc.week, err = askedWeek(c, sc.restaurants[0].Location(), sc.now)
	return sc, err
}

// askedWeek is the week of ?week=YYYY-Www in a restaurant's zone, or without
// it the last complete week before now.
func askedWeek(c echo.Context, loc *time.Location, now time.Time) (store.Week, error) {
	if q := c.QueryParam("week"); q != "" {
		return store.ParseWeek(q, loc)
	}
	return store.WeekOf(now, loc).Prev(), nil
}

// loadSummary reads the summary a request asks for.
func (h *Handler) loadSummary(c echo.Context) (summaryScope, store.Summary, error) {
	sc, err := h.summaryScope(c)
	if err != nil {
		return sc, store.Summary{}, err
	}
	s, err := h.db.Summary(c.Request().Context(), sc.restaurants, sc.week.String())
	return sc, s, err
}

// Summary is the owner's weekly summary: GET /summary?week=YYYY-Www[&r=SLUG].
func (h *Handler) Summary(c echo.Context) error {
	sc, s, err := h.loadSummary(c)
	if err != nil {
		return err
	}
	m := views.NewSummary(s, views.SummaryScope{Restaurants: sc.restaurants, Owned: sc.owned, Slug: sc.slug, Week: sc.week, Now: sc.now})
	title := "Weekly summary · " + m.Title
	nav := sc.restaurants[0]
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, views.SummaryPage(h.staffPage(c, title, nav, "Weekly summary"), m))
}
