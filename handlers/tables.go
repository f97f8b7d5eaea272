package handlers

import (
	"context"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// table finds the active table named by the :id of the URL, within the
// restaurant of the URL.
func (h *Handler) table(c echo.Context) (store.Restaurant, store.Table, error) {
	r := ownedRestaurant(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return r, store.Table{}, store.ErrNotFound
	}
	t, err := h.db.TableByID(c.Request().Context(), r.ID, id)
	return r, t, err
}

// surveyURL is the absolute URL a table's QR code encodes.
func (h *Handler) surveyURL(t store.Table) string {
	return h.cfg.BaseURL + "/t/" + t.Token
}

func tablesPath(r store.Restaurant) string {
	return "/restaurants/" + url.PathEscape(r.Slug) + "/tables"
}

// tablesDone are the confirmations shown after a change, keyed by ?done=.
var tablesDone = map[string]string{
	"added":    "Table added. Print its card from “Print table cards”.",
	"rotated":  "New QR code made. The old card no longer works: print this table's card again now.",
	"retired":  "Table retired. Its QR code no longer works; its past feedback is kept.",
	"undone":   "Undone: the table has its old QR code again, and its printed card works.",
	"restored": "Table brought back, with its QR code: its printed card works again.",
	"sections": "Sections saved. Managers can now say on the floor who serves each one.",
}

// TablesList shows the restaurant's tables: GET /restaurants/:slug/tables.
// After a new QR code or a retirement (?done=…&table=ID) it offers to undo.
func (h *Handler) TablesList(c echo.Context) error {
	r := ownedRestaurant(c)
	m := views.Tables{Flash: tablesDone[c.QueryParam("done")]}
	if id, err := strconv.ParseInt(c.QueryParam("table"), 10, 64); err == nil {
		tp := tablesPath(r) + "/" + strconv.FormatInt(id, 10)
		switch c.QueryParam("done") {
		case "rotated":
			m.UndoURL, m.UndoLabel = tp+"/undo-rotate", "Undo"
		case "retired":
			m.UndoURL, m.UndoLabel = tp+"/restore", "Undo"
		}
	}
	return h.renderTables(c, http.StatusOK, r, m)
}

func (h *Handler) renderTables(c echo.Context, status int, r store.Restaurant, m views.Tables) error {
	ctx := c.Request().Context()
	tables, err := h.db.ActiveTables(ctx, r.ID)
	if err != nil {
		return err
	}
	base := tablesPath(r)
	m.Restaurant, m.CardsURL, m.AddURL = r.Name, base+"/cards", base
	for _, t := range tables {
		svg, err := qrSVG(h.surveyURL(t))
		if err != nil {
			return err
		}
		tp := base + "/" + strconv.FormatInt(t.ID, 10)
		m.Rows = append(m.Rows, views.TableRow{
			Label: t.Label, SurveyURL: h.surveyURL(t), QRSVG: svg,
			QRURL: tp + "/qr.svg", RotateURL: tp + "/rotate", RetireURL: tp + "/retire",
		})
	}
	retired, err := h.db.RetiredTables(ctx, r.ID)
	if err != nil {
		return err
	}
	m.SectionsURL = restaurantPath(r) + "/sections"
	if m.Errors["sections"] == "" {
		sections, err := h.db.Sections(ctx, r.ID)
		if err != nil {
			return err
		}
		m.Sections = views.SectionsText(sections)
	}
	for _, t := range retired {
		m.Retired = append(m.Retired, views.RetiredTable{Label: t.Label, RestoreURL: base + "/" + strconv.FormatInt(t.ID, 10) + "/restore"})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.TablesPage(h.staffPage(c, "Tables · "+r.Name, r, "Tables"), m))
}

// TableAdd adds a table: POST /restaurants/:slug/tables.
func (h *Handler) TableAdd(c echo.Context) error {
	r := ownedRestaurant(c)
	label := c.FormValue("label")
	_, err := h.db.CreateTable(c.Request().Context(), r.ID, label)
	if code := store.ErrorCode(err); code == store.EInvalid || code == store.EConflict {
		return h.renderTables(c, http.StatusUnprocessableEntity, r,
			views.Tables{AddLabel: label, Errors: views.FieldErrors{"label": store.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, tablesPath(r)+"?done=added")
}

// TableRotate gives a table a new QR code: POST /restaurants/:slug/tables/:id/rotate.
func (h *Handler) TableRotate(c echo.Context) error {
	return h.changeTable(c, h.db.RotateTableToken, "rotated")
}

// TableRetire takes a table out of service: POST /restaurants/:slug/tables/:id/retire.
func (h *Handler) TableRetire(c echo.Context) error {
	return h.changeTable(c, h.db.RetireTable, "retired")
}

// TableUndoRotate gives a table back its QR code of before its latest new
// one, within minutes: POST /restaurants/:slug/tables/:id/undo-rotate.
func (h *Handler) TableUndoRotate(c echo.Context) error {
	return h.changeTable(c, h.db.UndoRotate, "undone")
}

// TableRestore brings a retired table back: POST /restaurants/:slug/tables/:id/restore.
func (h *Handler) TableRestore(c echo.Context) error {
	return h.changeTable(c, h.db.RestoreTable, "restored")
}

// changeTable makes a change to the table of the URL (active or retired: the
// change says which it takes) and shows the tables with what was done; a
// change that cannot be made comes back with why.
func (h *Handler) changeTable(c echo.Context, change func(ctx context.Context, restaurantID, tableID int64) (store.Table, error), done string) error {
	r := ownedRestaurant(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	t, err := change(c.Request().Context(), r.ID, id)
	if store.ErrorCode(err) == store.EConflict {
		return h.renderTables(c, http.StatusConflict, r, views.Tables{Errors: views.FieldErrors{"table": store.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, tablesPath(r)+"?done="+done+"&table="+strconv.FormatInt(t.ID, 10))
}

// TableQR serves one table's QR code as an SVG file to download or print:
// GET /restaurants/:slug/tables/:id/qr.svg.
func (h *Handler) TableQR(c echo.Context) error {
	_, t, err := h.table(c)
	if err != nil {
		return err
	}
	svg, err := qrSVG(h.surveyURL(t))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	c.Response().Header().Set("Content-Disposition", `inline; filename="qr-table-`+strconv.FormatInt(t.ID, 10)+`.svg"`)
	return c.Blob(http.StatusOK, "image/svg+xml", []byte(svg))
}

// TableCards is the printable sheet of table cards: GET /restaurants/:slug/tables/cards.
func (h *Handler) TableCards(c echo.Context) error {
	r := ownedRestaurant(c)
	tables, err := h.db.ActiveTables(c.Request().Context(), r.ID)
	if err != nil {
		return err
	}
	cards := make([]views.Card, 0, len(tables))
	for _, t := range tables {
		svg, err := qrSVG(h.surveyURL(t))
		if err != nil {
			return err
		}
		cards = append(cards, views.Card{Restaurant: r.Name, Label: t.Label, SurveyURL: h.surveyURL(t), QRSVG: svg})
	}
	// The call to scan is in one or two of the restaurant's languages, as
	// the owner picks (?lang=pt&lang=en); the default alone unless asked.
	var picked []string
	for _, lang := range r.Languages {
		if slices.Contains(c.QueryParams()["lang"], lang) && len(picked) < 2 {
			picked = append(picked, lang)
		}
	}
	if len(picked) == 0 {
		picked = r.Languages[:1] // a restaurant offers one language at least (its default)
	}
	invites := make([]views.CardInvite, len(picked))
	for i, lang := range picked {
		invites[i] = views.CardInvite{Lang: lang, Dir: views.TextDirection(lang), Text: views.Translator(lang).S("card.invite")}
	}
	choices := make([]views.LanguageChoice, len(r.Languages))
	for i, lang := range r.Languages {
		choices[i] = views.LanguageChoice{Tag: lang, Name: views.LanguageName(lang), Checked: slices.Contains(picked, lang)}
	}
	const perPage = 4 // app.css: two rows of two, on A4 and US Letter
	p := h.staffPage(c, "Table cards · "+r.Name, r, "Tables")
	p.Scripts = []string{h.assets.URL("print.js")}
	c.Response().Header().Set("Cache-Control", "no-store")
	m := views.Cards{Restaurant: r.Name, Cards: cards, PerPage: perPage,
		Pages: (len(cards) + perPage - 1) / perPage, Invites: invites, Languages: choices}
	if !reachable(h.cfg.BaseURL) {
		m.Unreachable = h.cfg.BaseURL
	}
	return h.render(c, http.StatusOK, views.CardsPage(p, m))
}

// reachable reports whether a guest's phone, on the internet or the
// restaurant's own Wi-Fi at best, could open links on base: not localhost,
// a loopback, private or link-local address, or a .local name.
func reachable(base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") {
		return false
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified())
	}
	return true
}

// SaveSections groups the tables into sections, from one line each
// ("Terrace: Terrace 1, Terrace 2"): POST /restaurants/:slug/sections. The
// store checks them; a mistake comes back with the text as typed.
func (h *Handler) SaveSections(c echo.Context) error {
	r := ownedRestaurant(c)
	text := c.FormValue("sections")
	var plan []store.Section
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, tables, _ := strings.Cut(line, ":")
		s := store.Section{Name: name}
		for _, t := range strings.Split(tables, ",") {
			if t = strings.TrimSpace(t); t != "" {
				s.Tables = append(s.Tables, t)
			}
		}
		plan = append(plan, s)
	}
	err := h.db.SaveSections(c.Request().Context(), r.ID, plan)
	m := views.Tables{Sections: text, Errors: views.FieldErrors{}}
	if formErrors(err, m.Errors) {
		return h.renderTables(c, http.StatusUnprocessableEntity, r, m)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, tablesPath(r)+"?done=sections#sections-h")
}
