package handlers

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// importLimit bounds an uploaded covers file: ten years of days fit easily.
const importLimit = "512K"

func coversURL(r store.Restaurant, week string) string {
	return "/covers?" + url.Values{"r": {r.Slug}, "week": {week}}.Encode()
}

// coversRequest is the restaurant of ?r= and the week of ?week=, or else the
// week of yesterday in the restaurant's time zone: the day most often typed.
func coversRequest(c echo.Context, now time.Time) (store.Restaurant, store.Week, error) {
	r, err := floorRestaurant(c)
	if err != nil {
		return r, store.Week{}, err
	}
	if s := c.QueryParam("week"); s != "" {
		w, err := store.ParseWeek(s, r.Location())
		return r, w, err
	}
	return r, store.WeekOf(now.AddDate(0, 0, -1), r.Location()), nil
}

// coversModel is the page for a week, with the stored counts in its fields.
func (h *Handler) coversModel(c echo.Context, r store.Restaurant, w store.Week, now time.Time) (views.Covers, error) {
	stored, err := h.db.Covers(c.Request().Context(), r.ID, w.Start, w.End.AddDate(0, 0, -1))
	if err != nil {
		return views.Covers{}, err
	}
	m := views.Covers{Restaurant: r.Name, Week: w.String(), WeekLabel: views.WeekLabel(w),
		PrevURL: coversURL(r, w.Prev().String()), Action: coversURL(r, w.String()),
		ImportAction: "/covers/import?" + url.Values{"r": {r.Slug}, "week": {w.String()}}.Encode()}
	if next := w.Next(); !next.Start.After(now) {
		m.NextURL = coversURL(r, next.String())
	}
	m.Days = views.NewCoverDays(w, stored, now.In(r.Location()))
	for _, ms := range staffOf(c).memberships {
		if ms.Restaurant.ID != r.ID {
			m.Others = append(m.Others, views.NavLink{Label: ms.Restaurant.Name, URL: coversURL(ms.Restaurant, w.String())})
		}
	}
	return m, nil
}

// coversPage is the restaurant and week a covers request is for, with the
// page of that week.
func (h *Handler) coversPage(c echo.Context, now time.Time) (store.Restaurant, store.Week, views.Covers, error) {
	r, w, err := coversRequest(c, now)
	if err != nil {
		return r, w, views.Covers{}, err
	}
	m, err := h.coversModel(c, r, w, now)
	return r, w, m, err
}

func (h *Handler) renderCovers(c echo.Context, status int, r store.Restaurant, m views.Covers) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.CoversPage(h.staffPage(c, "Guests served · "+r.Name, r, "Guests served"), m))
}

// CoversForm shows a week of guests served: GET /covers?r=SLUG[&week=YYYY-Www].
func (h *Handler) CoversForm(c echo.Context) error {
	r, _, m, err := h.coversPage(c, h.now())
	if err != nil {
		return err
	}
	switch {
	case c.QueryParam("saved") == "1":
		m.Flash = "Saved."
	case c.QueryParam("imported") != "":
		if n, err := strconv.Atoi(c.QueryParam("imported")); err == nil {
			m.Flash = "Imported " + views.Count(n) + " days."
		}
	}
	return h.renderCovers(c, http.StatusOK, r, m)
}

// CoversSave stores a week of guests served; a cleared field forgets its day:
// POST /covers?r=SLUG&week=YYYY-Www.
func (h *Handler) CoversSave(c echo.Context) error {
	now := h.now()
	r, w, m, err := h.coversPage(c, now)
	if err != nil {
		return err
	}
	var days []store.DayCovers
	var cleared []time.Time
	bad := false
	for i := range m.Days {
		d := &m.Days[i]
		if d.Future {
			continue
		}
		date, _ := time.Parse(time.DateOnly, d.Date)
		d.Value = strings.TrimSpace(c.FormValue("guests-" + d.Date))
		if d.Value == "" {
			cleared = append(cleared, date)
			continue
		}
		n, err := strconv.Atoi(strings.ReplaceAll(d.Value, ",", ""))
		if err != nil || n < 0 || n > store.MaxCovers {
			d.Error = "Enter a whole number of guests, from 0 to " + views.Count(store.MaxCovers) + "."
			bad = true
			continue
		}
		days = append(days, store.DayCovers{Day: date, Guests: n})
	}
	if bad {
		m.Error = "Nothing was saved: check the days marked below."
		return h.renderCovers(c, http.StatusUnprocessableEntity, r, m)
	}
	if err := h.db.SaveCovers(c.Request().Context(), r.ID, days, cleared); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, coversURL(r, w.String())+"&saved=1")
}

// CoversImport imports a CSV of date,guests, uploaded or pasted, all or
// nothing: POST /covers/import?r=SLUG&week=YYYY-Www.
func (h *Handler) CoversImport(c echo.Context) error {
	now := h.now()
	r, w, err := coversRequest(c, now)
	if err != nil {
		return err
	}
	text := c.FormValue("csv")
	var in io.Reader = strings.NewReader(text)
	if fh, err := c.FormFile("file"); err == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	days, err := store.ParseCoversCSV(in)
	var ie *store.ImportError
	if errors.As(err, &ie) {
		m, merr := h.coversModel(c, r, w, now)
		if merr != nil {
			return merr
		}
		m.ImportText = text
		for _, row := range ie.Rows {
			m.ImportErrors = append(m.ImportErrors, "Line "+strconv.Itoa(row.Line)+": "+row.Reason)
		}
		return h.renderCovers(c, http.StatusUnprocessableEntity, r, m)
	}
	if err != nil {
		return err
	}
	if err := h.db.ImportCovers(c.Request().Context(), r.ID, days); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, coversURL(r, w.String())+"&imported="+strconv.Itoa(len(days)))
}
