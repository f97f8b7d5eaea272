package handlers

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// floorRestaurant is the restaurant the floor page is for: ?r=SLUG among the
// user's restaurants, or their first one.
func floorRestaurant(c echo.Context) (store.Restaurant, error) {
	s := staffOf(c)
	slug := c.QueryParam("r")
	if slug == "" {
		slug = c.FormValue("r")
	}
	if slug == "" {
		if len(s.memberships) == 0 {
			return store.Restaurant{}, store.Errorf(store.ENotFound, "You are not on the staff of any restaurant yet. Ask its owner to add you.")
		}
		return s.memberships[0].Restaurant, nil
	}
	m, ok := s.role(slug)
	if !ok {
		return store.Restaurant{}, store.ErrNotFound
	}
	return m.Restaurant, nil
}

func floorPath(r store.Restaurant) string { return "/floor?r=" + url.QueryEscape(r.Slug) }

// redeemPath is the door's page of r, where offers are redeemed.
func redeemPath(r store.Restaurant) string { return "/floor/redeem?r=" + url.QueryEscape(r.Slug) }

// staffPage is the layout model of a staff page, with its navigation.
func (h *Handler) staffPage(c echo.Context, title string, r store.Restaurant, current string) views.Page {
	p := h.page(title)
	p.Nav = h.restaurantNav(c, r, current)
	return p
}

// staffNav is the navigation of a page about no one restaurant (the
// account): the first restaurant's, or none.
func (h *Handler) staffNav(c echo.Context, current string) *views.Nav {
	s := staffOf(c)
	if len(s.memberships) == 0 {
		return &views.Nav{Name: s.user.Name, CSRF: csrfToken(c)}
	}
	return h.restaurantNav(c, s.memberships[0].Restaurant, current)
}

// staffZone is the time zone of a page about no one restaurant: the first
// restaurant's, or UTC.
func (h *Handler) staffZone(c echo.Context) *time.Location {
	if s := staffOf(c); len(s.memberships) > 0 {
		return s.memberships[0].Restaurant.Location()
	}
	return time.UTC
}

// restaurantNav is the navigation of a restaurant's staff pages.
func (h *Handler) restaurantNav(c echo.Context, r store.Restaurant, current string) *views.Nav {
	s := staffOf(c)
	nav := &views.Nav{Name: s.user.Name, CSRF: csrfToken(c)}
	add := func(label, url string) {
		nav.Links = append(nav.Links, views.NavLink{Label: label, URL: url, Current: label == current})
	}
	add("Floor", floorPath(r))
	add("Redeem", redeemPath(r))
	add("Guests served", "/covers?r="+url.QueryEscape(r.Slug))
	m, ok := s.role(r.Slug)
	if ok && m.Role == store.RoleManager {
		add("My week", "/floor/week?r="+url.QueryEscape(r.Slug))
	}
	if ok && m.Role == store.RoleOwner {
		base := "/restaurants/" + url.PathEscape(r.Slug)
		add("Weekly summary", "/summary?r="+url.QueryEscape(r.Slug))
		add("Overview", base)
		add("Tables", base+"/tables")
		add("Settings", base+"/settings")
		add("Staff", base+"/staff")
		add("Webhooks", base+"/webhooks")
		add("Privacy", base+"/privacy")
	}
	return nav
}

// Floor is the floor tablet's page: GET /floor[?r=SLUG].
func (h *Handler) Floor(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	return h.renderFloor(c, http.StatusOK, r, floorForms{})
}

// floorForms are the floor's forms as they come back with a mistake: the
// card whose resolve form failed, the in-person form, the notification
// settings. Unset, each is fresh.
type floorForms struct {
	failed   *views.AlertCard
	inPerson views.InPersonForm
	notify   *views.NotifyForm
	shift    string // what was wrong with a change of who serves where
	offer    string // why an offer was not sent
}

// renderFloor renders the floor page, with forms as typed.
func (h *Handler) renderFloor(c echo.Context, status int, r store.Restaurant, forms floorForms) error {
	failed, inPerson := forms.failed, forms.inPerson
	ctx := c.Request().Context()
	// The last event first: the page's stream resumes from it, so a change
	// made while the page is read reaches it once more rather than not at all.
	last, err := h.db.LastEventID(ctx, r.ID)
	if err != nil {
		return err
	}
	alerts, err := h.db.ActiveAlerts(ctx, r.ID)
	if err != nil {
		return err
	}
	recent, err := h.db.RecentResponses(ctx, r.ID, 20)
	if err != nil {
		return err
	}
	tables, err := h.db.ActiveTables(ctx, r.ID)
	if err != nil {
		return err
	}
	staff, err := h.db.Staff(ctx, r.ID)
	if err != nil {
		return err
	}
	followUps, err := h.db.FollowUps(ctx, r.ID)
	if err != nil {
		return err
	}
	now, loc := h.now(), r.Location()
	f := views.Floor{
		Restaurant: r.Name, Slug: r.Slug, Tables: tables, Complaints: store.Tags(store.Complaint),
		EventsURL: "/floor/events?r=" + url.QueryEscape(r.Slug), LastEventID: last,
		StaleAfterMs: (h.pingEvery * 5 / 2).Milliseconds(),
		Flash:        floorDone[c.QueryParam("done")],
	}
	if id, err := strconv.ParseInt(c.QueryParam("resolved"), 10, 64); err == nil {
		// A plain form's Resolve comes back here: say what it did, with Undo.
		if a, err := h.db.AlertByID(ctx, r.ID, id); err == nil && a.State == store.StateResolved && now.Sub(a.ResolvedAt) < store.UndoWindow {
			f.Resolved = &views.Resolved{Text: views.ResolvedNote(a), UndoURL: undoPath(r, id)}
		}
	}
	inPerson.Action = "/floor/in-person?r=" + url.QueryEscape(r.Slug)
	if inPerson.Key == "" {
		inPerson.Key = store.NewToken()
	}
	f.InPerson = inPerson
	for _, m := range staffOf(c).memberships {
		if m.Restaurant.ID != r.ID {
			f.Others = append(f.Others, views.NavLink{Label: m.Restaurant.Name, URL: floorPath(m.Restaurant)})
		}
	}
	viewer := views.CardViewer{Restaurant: r, CSRF: csrfToken(c), Staff: staff, Me: staffOf(c).user.ID}
	for _, a := range alerts {
		card := views.NewAlertCard(a, viewer, now)
		if failed != nil && failed.ID == a.ID {
			card.Resolve = failed.Resolve
		}
		f.Cards = append(f.Cards, card)
	}
	slices.SortStableFunc(f.Cards, views.FloorOrder)
	for _, a := range followUps {
		f.FollowUps = append(f.FollowUps, views.FollowUp{Table: cmp.Or(a.TableLabel, "No table"),
			Due: views.DayTime(a.FollowUpAt.In(loc)), Contact: a.FollowUpWho, Note: a.Note,
			Complaint: a.Comment, Overdue: a.FollowUpAt.Before(now),
			DoneURL:  "/floor/follow-ups/" + strconv.FormatInt(a.ID, 10) + "/done?r=" + url.QueryEscape(r.Slug),
			OfferURL: views.OfferPath(r, a.ID), Offers: views.OffersLine(a.Offers)})
	}
	for _, resp := range recent {
		rr := views.RecentResponse{Time: views.WeekdayTime(resp.CreatedAt.In(loc)), Table: resp.TableLabel,
			Rating: resp.Rating, Tags: views.TagLabels(resp.Tags), Comment: resp.Comment, AtTable: resp.AtTable,
			Offers: views.OffersLine(resp.Offers)}
		if resp.AlertID != 0 {
			rr.OfferURL = views.OfferPath(r, resp.AlertID)
		}
		f.Recent = append(f.Recent, rr)
	}
	sections, err := h.db.Sections(ctx, r.ID)
	if err != nil {
		return err
	}
	shift, err := h.db.ShiftNow(ctx, r.ID)
	if err != nil {
		return err
	}
	f.Shifts, f.ShiftError = views.NewShiftForms(sections, shift, r.TeamNames, "/floor/shifts?r="+url.QueryEscape(r.Slug)), forms.shift
	f.OfferError, f.RedeemURL, f.Currency = forms.offer, redeemPath(r), r.Currency
	if forms.notify != nil {
		f.Notify = *forms.notify
	} else {
		prefs, err := h.db.NotifyPrefsOf(ctx, staffOf(c).user.ID, r.ID)
		if err != nil {
			return err
		}
		f.Notify = notifyForm(r, prefs, "", "", "")
	}
	f.Title = "Floor — " + r.Name
	p := h.staffPage(c, views.FloorTitle(f.Title, len(f.Cards)), r, "Floor")
	p.Scripts = []string{h.assets.URL("floor.js")}
	p.Manifest, p.ThemeColor = "/manifest.webmanifest", themeColor
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.FloorPage(p, f))
}

var floorDone = map[string]string{
	"notify":       "Saved: this is what your phone will be told.",
	"logged":       "Complaint logged. It counts in this week's numbers; resolve it below when it's dealt with.",
	"follow-up":    "Follow-up marked done.",
	"undone":       "Undone: the alert is back on the floor as it was.",
	"shift":        "Saved: who serves where, from now on.",
	"offer":        "Offer sent: it is on the guest's receipt only, as they left no email to write to. Staff redeem it at Redeem.",
	"offer-mailed": "Offer sent: the guest has it by email and on their receipt, with its code. Staff redeem it at Redeem.",
}

// undoPath is where a resolution is taken back.
func undoPath(r store.Restaurant, alertID int64) string {
	return "/floor/alerts/" + strconv.FormatInt(alertID, 10) + "/undo?r=" + url.QueryEscape(r.Slug)
}

// floorAlert finds the alert of the URL's :id in the restaurant of ?r=.
func (h *Handler) floorAlert(c echo.Context) (store.Restaurant, int64, error) {
	r, err := floorRestaurant(c)
	if err != nil {
		return r, 0, err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return r, 0, store.ErrNotFound
	}
	return r, id, nil
}

// Acknowledge is "On my way": POST /floor/alerts/:id/ack?r=SLUG, with who is
// going in the field who (a member of the restaurant's staff; the signed-in
// account when it is missing, as on a page without JavaScript that was not
// asked). A tablet's script asks for JSON and gets the card back (actionDone).
func (h *Handler) Acknowledge(c echo.Context) error {
	r, id, err := h.floorAlert(c)
	if err != nil {
		return err
	}
	who := staffOf(c).user.ID
	if v := c.FormValue("who"); v != "" {
		if who, err = strconv.ParseInt(v, 10, 64); err != nil {
			return store.Errorf(store.EInvalid, "Choose who is going from the restaurant's staff.")
		}
	}
	err = h.db.Acknowledge(c.Request().Context(), r.ID, id, who)
	if store.ErrorCode(err) == store.EInvalid && wantsJSON(c) {
		return c.JSON(http.StatusUnprocessableEntity, actionResult{Error: store.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return h.actionDone(c, r, id, floorPath(r))
}

// actionResult answers a tablet's script: the alert's card as it now stands
// ("" once resolved, or if it could not be read), or what was wrong; once
// resolved, what was done and where to undo it.
type actionResult struct {
	OK    bool   `json:"ok"`
	Alert int64  `json:"alert,omitempty"`
	State string `json:"state,omitempty"`
	HTML  string `json:"html,omitempty"`
	Error string `json:"error,omitempty"`
	Done  string `json:"done,omitempty"`
	Undo  string `json:"undo,omitempty"`
}

// wantsJSON reports whether the request came from the floor's script rather
// than a plain form.
func wantsJSON(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get(echo.HeaderAccept), echo.MIMEApplicationJSON)
}

// actionDone answers a change to an alert that has been committed: the page
// to go back to for a plain form, the new card for the script. Whatever
// happens while reading the card back, the change was made, so the answer
// says so.
func (h *Handler) actionDone(c echo.Context, r store.Restaurant, alertID int64, back string) error {
	if !wantsJSON(c) {
		return c.Redirect(http.StatusSeeOther, back)
	}
	res := actionResult{OK: true, Alert: alertID}
	ctx := context.WithoutCancel(c.Request().Context())
	a, err := h.db.AlertByID(ctx, r.ID, alertID)
	staff, serr := h.db.Staff(ctx, r.ID)
	if err == nil && serr == nil {
		res.State = a.State
		if a.State == store.StateResolved {
			res.Done, res.Undo = views.ResolvedNote(a), undoPath(r, alertID)
		} else {
			buf := templ.GetBuffer()
			defer templ.ReleaseBuffer(buf)
			v := views.CardViewer{Restaurant: r, CSRF: csrfToken(c), Staff: staff, Me: staffOf(c).user.ID}
			if views.AlertCardView(views.NewAlertCard(a, v, h.now())).Render(ctx, buf) == nil {
				res.HTML = buf.String()
			}
		}
	}
	return c.JSON(http.StatusOK, res)
}

// FollowUpDone marks a promised follow-up done:
// POST /floor/follow-ups/:id/done?r=SLUG.
func (h *Handler) FollowUpDone(c echo.Context) error {
	r, id, err := h.floorAlert(c)
	if err != nil {
		return err
	}
	if err := h.db.CompleteFollowUp(c.Request().Context(), r.ID, id, staffOf(c).user.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, floorPath(r)+"&done=follow-up")
}

// Resolve records what was done: POST /floor/alerts/:id/resolve?r=SLUG. A
// mistake comes back as the floor page with the card's form as typed (422).
func (h *Handler) Resolve(c echo.Context) error {
	r, id, err := h.floorAlert(c)
	if err != nil {
		return err
	}
	form := views.ResolveForm{
		Outcome: c.FormValue("outcome"), Amount: c.FormValue("amount"), FollowDate: c.FormValue("follow_date"),
		FollowTime: c.FormValue("follow_time"), FollowWho: c.FormValue("follow_contact"), Note: c.FormValue("note"),
	}
	res := store.Resolution{Outcome: form.Outcome, FollowUpWho: form.FollowWho, Note: form.Note}
	amount, amountErr := store.ParseMoney(form.Amount, r.Currency)
	res.Amount = amount
	if form.FollowDate != "" || form.FollowTime != "" {
		at, err := time.ParseInLocation("2006-01-02 15:04", form.FollowDate+" "+form.FollowTime, r.Location())
		if err != nil {
			form.Error = "Enter the follow-up's date and time."
		}
		res.FollowUpAt = at
	}
	if amountErr != nil {
		form.Error = store.ErrorMessage(amountErr)
	}
	if form.Error == "" {
		err = h.db.Resolve(c.Request().Context(), r.ID, id, staffOf(c).user.ID, res)
		if store.ErrorCode(err) == store.EInvalid {
			form.Error = store.ErrorMessage(err)
		} else if err != nil {
			return err
		} else {
			return h.actionDone(c, r, id, floorPath(r)+"&resolved="+strconv.FormatInt(id, 10))
		}
	}
	if _, err := h.db.AlertByID(c.Request().Context(), r.ID, id); err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusUnprocessableEntity, actionResult{Alert: id, Error: form.Error})
	}
	return h.renderFloor(c, http.StatusUnprocessableEntity, r, floorForms{failed: &views.AlertCard{ID: id, Resolve: form}})
}

// UndoResolve takes back a resolution made by mistake, within
// store.UndoWindow: POST /floor/alerts/:id/undo?r=SLUG. The alert is back on
// every tablet as it was; the script gets its card, a plain form the floor.
func (h *Handler) UndoResolve(c echo.Context) error {
	r, id, err := h.floorAlert(c)
	if err != nil {
		return err
	}
	err = h.db.UndoResolve(c.Request().Context(), r.ID, id)
	if store.ErrorCode(err) == store.EInvalid && wantsJSON(c) {
		return c.JSON(http.StatusUnprocessableEntity, actionResult{Alert: id, Error: store.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return h.actionDone(c, r, id, floorPath(r)+"&done=undone")
}

// MyWeek is a manager's own week, for coaching: GET /floor/week?r=SLUG
// [&week=YYYY-Www] (the last complete week without it). They are counted
// by their first name among the team's names.
func (h *Handler) MyWeek(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	w, err := askedWeek(c, r.Location(), h.now())
	if err != nil {
		return err
	}
	s, err := h.db.Summary(c.Request().Context(), []store.Restaurant{r}, w.String())
	if err != nil {
		return err
	}
	m := views.NewMyWeek(s, r, w, views.FirstName(staffOf(c).user.Name), h.now())
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, views.MyWeekPage(h.staffPage(c, "My week · "+r.Name, r, "My week"), m))
}

// SetShift says who of the team serves a section from now on:
// POST /floor/shifts?r=SLUG with section and person (each ticked name).
func (h *Handler) SetShift(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return formError(err)
	}
	section, err := strconv.ParseInt(form.Get("section"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	err = h.db.SetShift(c.Request().Context(), r.ID, section, staffOf(c).user.ID, form["person"])
	if ps := store.Problems(err); len(ps) > 0 {
		return h.renderFloor(c, http.StatusUnprocessableEntity, r, floorForms{shift: ps[0].Message})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, floorPath(r)+"&done=shift#shift-h")
}

// InPerson logs a complaint a guest told a manager: POST /floor/in-person?r=SLUG.
func (h *Handler) InPerson(c echo.Context) error {
	r, err := floorRestaurant(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return formError(err)
	}
	in := views.InPersonForm{Key: form.Get("key"), TableID: form.Get("table"), Tags: form["tag"], Note: form.Get("note")}
	tableID, _ := strconv.ParseInt(in.TableID, 10, 64)
	_, err = h.db.LogInPerson(c.Request().Context(), r.ID, tableID, staffOf(c).user.ID, in.Key, in.Tags, in.Note)
	if store.ErrorCode(err) == store.EInvalid {
		in.Error = store.ErrorMessage(err)
		return h.renderFloor(c, http.StatusUnprocessableEntity, r, floorForms{inPerson: in})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, floorPath(r)+"&done=logged")
}
