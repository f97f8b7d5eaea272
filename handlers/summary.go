package handlers

import (
	"fmt"
	"net/http"
	"net/url"
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
	loc := sc.restaurants[0].Location()
	sc.week = store.WeekOf(sc.now, loc).Prev()
	if q := c.QueryParam("week"); q != "" {
		w, err := store.ParseWeek(q, loc)
		if err != nil {
			return sc, err
		}
		sc.week = w
	}
	return sc, nil
}

// summaryURL is the page of a week, for one restaurant or ("") all.
func summaryURL(path, week, slug string) string {
	q := url.Values{"week": {week}}
	if slug != "" {
		q.Set("r", slug)
	}
	return path + "?" + q.Encode()
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
	m := summaryModel(s, sc, "")
	title := "Weekly summary · " + m.Title
	nav := sc.restaurants[0]
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, views.SummaryPage(h.staffPage(c, title, nav, "Weekly summary"), m))
}

// summaryModel builds the page (or, with base, the digest) of a summary.
func summaryModel(s store.Summary, sc summaryScope, base string) views.Summary {
	m := views.Summary{Title: "All restaurants", Week: s.Week, WeekLabel: weekLabel(sc.week), Email: base != ""}
	if sc.slug != "" || len(sc.owned) == 1 {
		m.Title = sc.restaurants[0].Name
	}
	slug := sc.slug
	if slug == "" && len(sc.owned) == 1 {
		slug = sc.owned[0].Slug
	}
	m.PageURL = base + summaryURL("/summary", s.Week, slug)
	m.PrevURL = base + summaryURL("/summary", sc.week.Prev().String(), slug)
	if next := sc.week.Next(); !next.Start.After(sc.now) {
		m.NextURL = base + summaryURL("/summary", next.String(), slug)
	}
	if sc.week.End.After(sc.now) {
		m.WeekLabel += " · so far"
	}
	m.CSVURL = base + summaryURL("/summary.csv", s.Week, slug)
	m.Picker = views.WeekPicker{Action: "/summary", Week: s.Week, ResponsesCSV: "/responses.csv",
		From: sc.week.Start.Format(time.DateOnly), To: sc.week.End.AddDate(0, 0, -1).Format(time.DateOnly)}
	if len(sc.owned) > 1 {
		m.Picker.Restaurants = append(m.Picker.Restaurants, views.Option{Value: "", Label: "All restaurants", Selected: sc.slug == ""})
	}
	for _, r := range sc.owned {
		m.Picker.Restaurants = append(m.Picker.Restaurants, views.Option{Value: r.Slug, Label: r.Name, Selected: r.Slug == slug})
	}

	w := s.This
	m.Empty = w.Responses == 0 && w.Voiced == 0
	days := 7 * len(s.Restaurants)
	switch {
	case w.CoverDays == 0:
		m.CoverNote = "No guests served were entered for this week, so there is no response rate and no estimate from the survey."
	case w.CoverDays < days:
		m.CoverNote = fmt.Sprintf("Guests served were entered for %d of %d days; the response rate counts only those days' guests.", w.CoverDays, days)
	}
	if m.CoverNote != "" && len(s.Restaurants) == 1 {
		m.CoversURL = base + "/covers?r=" + url.QueryEscape(s.Restaurants[0].Restaurant.Slug)
	}
	m.Tiles = summaryTiles(w, s.Prev)
	m.Charts = trendCharts(s.Trend)
	m.Ratings = ratingBars(w)
	m.Complaints = bars(w.Complaints, 0, true)
	m.PraiseTags = bars(w.Praise, 0, false)
	m.Alerts = alertFacts(s)
	for _, n := range w.StaffNamed {
		m.StaffNamed = append(m.StaffNamed, fmt.Sprintf("%s (%d)", n.Label, n.Count))
	}
	for _, q := range w.Wow {
		meta := q.Table
		for _, rw := range s.Restaurants {
			if rw.Restaurant.Name == q.Restaurant {
				meta += " · " + q.At.In(rw.Restaurant.Location()).Format("Mon 2 Jan 15:04")
			}
		}
		meta += fmt.Sprintf(" · %d ★", q.Rating)
		if q.Guest != "" {
			meta = q.Guest + " · " + meta
		}
		if len(s.Restaurants) > 1 {
			meta = q.Restaurant + " · " + meta
		}
		m.Wow = append(m.Wow, views.Quote{Text: q.Text, Meta: meta})
	}
	m.Silent = silentPanel(s.Estimate)
	if len(s.Restaurants) > 1 {
		for _, rw := range s.Restaurants {
			l := views.Line{Name: rw.Restaurant.Name, URL: base + summaryURL("/summary", s.Week, rw.Restaurant.Slug),
				Responses: count(rw.Stats.Responses), Voiced: count(rw.Stats.Voiced), Rate: "—", Average: "—", AckMedian: "—"}
			if rate, ok := rw.Stats.ResponseRate(); ok {
				l.Rate = percent(rate)
			}
			if avg, ok := rw.Stats.Average(); ok {
				l.Average = ratingf(avg)
			}
			if med, _, ok := rw.Stats.AckTimes(); ok {
				l.AckMedian = duration(med)
			}
			m.Lines = append(m.Lines, l)
		}
	}
	return m
}
