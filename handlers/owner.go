package handlers

import (
	"cmp"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

func restaurantPath(r store.Restaurant) string { return "/restaurants/" + url.PathEscape(r.Slug) }

// Overview is an owner's page for one restaurant, led by the alerts that
// escalated: GET /restaurants/:slug.
func (h *Handler) Overview(c echo.Context) error {
	r := ownedRestaurant(c)
	escalated, err := h.db.EscalatedAlerts(c.Request().Context(), r.ID)
	if err != nil {
		return err
	}
	staff, err := h.db.Staff(c.Request().Context(), r.ID)
	if err != nil {
		return err
	}
	o := views.Overview{Restaurant: r.Name}
	now := h.now()
	viewer := views.CardViewer{Restaurant: r, CSRF: csrfToken(c), Staff: staff, Me: staffOf(c).user.ID}
	for _, a := range escalated {
		o.Escalated = append(o.Escalated, views.NewAlertCard(a, viewer, now))
	}
	base := restaurantPath(r)
	o.Links = []views.NavLink{
		{Label: "Floor", URL: floorPath(r)},
		{Label: "Tables and QR codes", URL: base + "/tables"},
		{Label: "Print table cards", URL: base + "/tables/cards"},
		{Label: "Settings: alerts and the summary", URL: base + "/settings"},
		{Label: "Staff", URL: base + "/staff"},
		{Label: "Webhooks: alerts to Slack and other tools", URL: base + "/webhooks"},
		{Label: "Add another restaurant", URL: "/restaurants/new"},
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, views.OverviewPage(h.staffPage(c, r.Name, r, "Overview"), o))
}

func settingsModel(r store.Restaurant) views.Settings {
	return views.NewSettings(r, restaurantPath(r)+"/settings")
}

// decimal reads a number typed as "4", "4.5" or "4,5" (and "4%"); NaN when
// it is not one, which every rule of the store refuses.
func decimal(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.Replace(strings.TrimSpace(s), ",", ".", 1), "%"), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// basicsForm reads a restaurant's name, zone, currency and languages (and
// slug, when asked) as typed; the store checks them. The languages come
// with the default first.
func basicsForm(c echo.Context, withSlug bool) views.Basics {
	form, _ := c.FormParams()
	b := views.Basics{Name: c.FormValue("name"), TimeZone: strings.TrimSpace(c.FormValue("time_zone")),
		Currency: strings.ToUpper(strings.TrimSpace(c.FormValue("currency"))), Languages: form["languages"],
		Country: strings.ToUpper(strings.TrimSpace(c.FormValue("country"))),
		Default: c.FormValue("default_language"), ShowSlug: withSlug}
	if b.Default != "" {
		b.Languages = append([]string{b.Default}, slices.DeleteFunc(slices.Clone(b.Languages), func(l string) bool { return l == b.Default })...)
	}
	if withSlug {
		b.Slug = cmp.Or(strings.TrimSpace(c.FormValue("slug")), store.Slugify(b.Name))
	}
	return b
}

// formErrors puts the store's problems with a form by their fields; false
// when err is no such refusal.
func formErrors(err error, errs views.FieldErrors) bool {
	ps := store.Problems(err)
	for _, p := range ps {
		if _, ok := errs[p.Field]; !ok {
			errs[p.Field] = p.Message
		}
	}
	return len(ps) > 0
}

// Settings shows the restaurant's settings: GET /restaurants/:slug/settings.
func (h *Handler) Settings(c echo.Context) error {
	r := ownedRestaurant(c)
	m := settingsModel(r)
	m.Saved = c.QueryParam("saved") == "1"
	return h.renderSettings(c, http.StatusOK, r, m)
}

// SaveSettings changes the restaurant's settings, all or none:
// POST /restaurants/:slug/settings.
func (h *Handler) SaveSettings(c echo.Context) error {
	r := ownedRestaurant(c)
	m := settingsModel(r)
	m.Errors = views.FieldErrors{}
	m.Basics = basicsForm(c, false)
	max, err := strconv.Atoi(c.FormValue("max_rating"))
	if err != nil {
		max = -1 // not a rating: the store says which are
	}
	m.MaxRating, m.UrgentTags, m.AtTable = max, c.FormValue("urgent_tags") != "", c.FormValue("at_table") != ""
	m.EscalateMins = c.FormValue("escalate")
	escalate := time.Duration(-1)
	if mins := decimal(m.EscalateMins); !math.IsNaN(mins) && math.Abs(mins) < 1e6 {
		escalate = time.Duration(mins * float64(time.Minute)).Round(time.Second)
	}
	m.VoiceLow, m.VoiceCentral, m.VoiceHigh = c.FormValue("voice_low"), c.FormValue("voice_central"), c.FormValue("voice_high")
	m.TeamNames, m.ReviewLinks, m.OfferCeiling = c.FormValue("team"), c.FormValue("reviews"), c.FormValue("offer_ceiling")
	ceiling := store.Money{Currency: m.Basics.Currency}
	if strings.TrimSpace(m.OfferCeiling) != "" {
		var err error
		if ceiling, err = store.ParseMoney(m.OfferCeiling, m.Basics.Currency); err != nil {
			ceiling.Minor = -1 // not an amount: the store says what is
		}
	}
	err = h.db.SaveSettings(c.Request().Context(), r.ID, store.RestaurantSettings{
		Name: m.Basics.Name, TimeZone: m.Basics.TimeZone, Currency: m.Basics.Currency, Country: m.Basics.Country, Languages: m.Basics.Languages,
		Rules:     store.AlertRules{MaxRating: max, UrgentTags: m.UrgentTags, AtTable: m.AtTable, EscalateAfter: escalate},
		VoiceRate: store.Range{Low: decimal(m.VoiceLow) / 100, Central: decimal(m.VoiceCentral) / 100, High: decimal(m.VoiceHigh) / 100},
		TeamNames: strings.Split(m.TeamNames, ","), ReviewLinks: strings.Split(m.ReviewLinks, "\n"), OfferCeiling: ceiling})
	if !formErrors(err, m.Errors) {
		if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, restaurantPath(r)+"/settings?saved=1")
	}
	return h.renderSettings(c, http.StatusUnprocessableEntity, r, m)
}

// renderSettings shows the settings page, never from a cache.
func (h *Handler) renderSettings(c echo.Context, status int, r store.Restaurant, m views.Settings) error {
	tokens, err := h.db.APITokens(c.Request().Context(), r.ID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		m.APITokens = append(m.APITokens, views.NewAPITokenRow(t, r.Location(), restaurantPath(r)+"/api-tokens/"+strconv.FormatInt(t.ID, 10)+"/revoke"))
	}
	m.TokenAction = restaurantPath(r) + "/api-tokens"
	m.SummaryJSON = h.cfg.BaseURL + "/summary.json?r=" + url.QueryEscape(r.Slug)
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.SettingsPage(h.staffPage(c, "Settings · "+r.Name, r, "Settings"), m))
}

// ownsAny reports whether the signed-in user owns a restaurant: only owners
// add restaurants.
func ownsAny(c echo.Context) bool {
	for _, m := range staffOf(c).memberships {
		if m.Role == store.RoleOwner {
			return true
		}
	}
	return false
}

// NewRestaurantForm is GET /restaurants/new: an owner adds another restaurant,
// in their first restaurant's zone, currency and languages to begin with.
func (h *Handler) NewRestaurantForm(c echo.Context) error {
	if !ownsAny(c) {
		return store.ErrNotFound
	}
	first := staffOf(c).memberships[0].Restaurant
	return h.renderNewRestaurant(c, http.StatusOK, views.NewRestaurant{Basics: views.Basics{TimeZone: first.TimeZone,
		Currency: first.Currency, Country: first.Country, Languages: first.Languages, Default: first.Languages[0], ShowSlug: true}})
}

func (h *Handler) renderNewRestaurant(c echo.Context, status int, n views.NewRestaurant) error {
	n.Action = "/restaurants/new"
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.NewRestaurantPage(h.staffPage(c, "Add a restaurant", staffOf(c).memberships[0].Restaurant, ""), n))
}

// NewRestaurant adds a restaurant with the signed-in owner as its owner:
// POST /restaurants/new.
func (h *Handler) NewRestaurant(c echo.Context) error {
	if !ownsAny(c) {
		return store.ErrNotFound
	}
	n := views.NewRestaurant{Errors: views.FieldErrors{}}
	n.Basics = basicsForm(c, true)
	r, err := h.db.CreateRestaurantFor(c.Request().Context(), staffOf(c).user.ID, store.Restaurant{Slug: n.Basics.Slug,
		Name: n.Basics.Name, TimeZone: n.Basics.TimeZone, Currency: n.Basics.Currency, Country: n.Basics.Country, Languages: n.Basics.Languages})
	if store.ErrorCode(err) == store.EConflict {
		n.Errors["slug"] = store.ErrorMessage(err) // the slug is taken
	}
	if formErrors(err, n.Errors) || store.ErrorCode(err) == store.EConflict {
		return h.renderNewRestaurant(c, http.StatusUnprocessableEntity, n)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, restaurantPath(r))
}

func (h *Handler) renderStaff(c echo.Context, status int, r store.Restaurant, m views.Staff) error {
	members, err := h.db.Staff(c.Request().Context(), r.ID)
	if err != nil {
		return err
	}
	m.Restaurant, m.InviteURL = r.Name, restaurantPath(r)+"/staff"
	for _, s := range members {
		row := views.StaffRow{Name: s.User.Name, Email: s.User.Email, Role: string(s.Role)}
		if s.Role == store.RoleManager {
			row.RemoveURL = restaurantPath(r) + "/staff/" + strconv.FormatInt(s.User.ID, 10) + "/remove"
		}
		m.Members = append(m.Members, row)
	}
	pending, err := h.db.PendingInvitations(c.Request().Context(), r.ID)
	if err != nil {
		return err
	}
	for _, p := range pending {
		m.Pending = append(m.Pending, views.PendingRow{Name: p.Name, Email: p.Email,
			Expires:   views.DayTime(p.CreatedAt.Add(store.InvitationValid).In(h.staffZone(c))),
			RevokeURL: restaurantPath(r) + "/staff/invitations/" + url.PathEscape(p.Key) + "/revoke"})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.StaffPage(h.staffPage(c, "Staff · "+r.Name, r, "Staff"), m))
}

// StaffRevokeInvitation takes back an invitation not yet accepted, so its
// link no longer works: POST /restaurants/:slug/staff/invitations/:key/revoke.
func (h *Handler) StaffRevokeInvitation(c echo.Context) error {
	r := ownedRestaurant(c)
	if err := h.db.RevokeInvitation(c.Request().Context(), r.ID, c.Param("key")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, restaurantPath(r)+"/staff?done=revoked")
}

// StaffList lists the restaurant's staff: GET /restaurants/:slug/staff.
func (h *Handler) StaffList(c echo.Context) error {
	m := views.Staff{}
	if c.QueryParam("done") == "revoked" {
		m.Flash = "Invitation revoked: its link no longer works."
	}
	return h.renderStaff(c, http.StatusOK, ownedRestaurant(c), m)
}

// StaffInvite invites someone to manage the restaurant: POST
// /restaurants/:slug/staff with name and email. The owner gets a link to
// pass on (and, with SMTP, it is mailed too); the invited person accepts it
// by signing in or by making an account. Whether the email has an account
// already is not looked at, so the owner sees only what they typed.
func (h *Handler) StaffInvite(c echo.Context) error {
	r := ownedRestaurant(c)
	ctx := c.Request().Context()
	m := views.Staff{Email: strings.TrimSpace(c.FormValue("email")), Name: c.FormValue("name"), Errors: views.FieldErrors{}}
	token, err := h.db.Invite(ctx, r.ID, staffOf(c).user.ID, m.Email, m.Name, store.RoleManager)
	if formErrors(err, m.Errors) {
		return h.renderStaff(c, http.StatusUnprocessableEntity, r, m)
	}
	if err != nil {
		return err
	}
	link := strings.TrimRight(h.cfg.BaseURL, "/") + "/invite/" + token
	if h.cfg.Mail {
		subject, text := views.InviteEmail(m.Name, staffOf(c).user.Name, r.Name, link)
		err := h.db.QueueEmail(ctx, r.ID, 0, store.EmailMessage{ToName: m.Name, To: m.Email, Subject: subject, Text: text})
		if err != nil {
			return err
		}
		h.notifier.Wake()
	}
	return h.renderStaff(c, http.StatusOK, r, views.Staff{Invited: m.Name, InvitedEmail: m.Email, Link: link, Mailed: h.cfg.Mail})
}

// StaffRemove takes a manager off the restaurant; they lose access at once:
// POST /restaurants/:slug/staff/:id/remove.
func (h *Handler) StaffRemove(c echo.Context) error {
	r := ownedRestaurant(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	if err := h.db.RemoveMembership(c.Request().Context(), r.ID, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, restaurantPath(r)+"/staff")
}

// APITokenAdd makes a read-only API token and shows its secret once:
// POST /restaurants/:slug/api-tokens.
func (h *Handler) APITokenAdd(c echo.Context) error {
	r := ownedRestaurant(c)
	m := settingsModel(r)
	secret, _, err := h.db.CreateAPIToken(c.Request().Context(), r.ID, staffOf(c).user.ID, c.FormValue("name"))
	if store.ErrorCode(err) == store.EInvalid {
		m.TokenName, m.TokenError = c.FormValue("name"), store.ErrorMessage(err)
		return h.renderSettings(c, http.StatusUnprocessableEntity, r, m)
	}
	if err != nil {
		return err
	}
	m.NewToken = secret
	return h.renderSettings(c, http.StatusOK, r, m)
}

// APITokenRevoke revokes a token: POST /restaurants/:slug/api-tokens/:id/revoke.
func (h *Handler) APITokenRevoke(c echo.Context) error {
	r := ownedRestaurant(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	if err := h.db.RevokeAPIToken(c.Request().Context(), r.ID, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, restaurantPath(r)+"/settings#api-h")
}
