package handlers

import (
	"cmp"
	"crypto/rand"
	"errors"
	"math"
	"net/http"
	"net/url"
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
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, views.OverviewPage(h.staffPage(c, r.Name, r, "Overview"), o))
}

func settingsModel(r store.Restaurant) views.Settings {
	return views.Settings{
		Restaurant: r.Name, Action: restaurantPath(r) + "/settings",
		MaxRating: r.Rules.MaxRating, UrgentTags: r.Rules.UrgentTags, AtTable: r.Rules.AtTable,
		EscalateMins: strconv.FormatFloat(r.Rules.EscalateAfter.Minutes(), 'f', -1, 64),
		VoiceLow:     percentInput(r.VoiceRate.Low), VoiceCentral: percentInput(r.VoiceRate.Central),
		VoiceHigh: percentInput(r.VoiceRate.High), TeamNames: strings.Join(r.TeamNames, ", "),
	}
}

func percentInput(f float64) string { return strconv.FormatFloat(math.Round(f*10000)/100, 'f', -1, 64) }

// parsePercent reads a percentage typed as "4", "4.5" or "4,5" as a share.
func parsePercent(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.Replace(strings.TrimSpace(s), ",", ".", 1), "%"), 64)
	return f / 100, err == nil && !math.IsNaN(f) && f > 0 && f <= 100
}

// Settings shows the alert rules: GET /restaurants/:slug/settings.
func (h *Handler) Settings(c echo.Context) error {
	r := ownedRestaurant(c)
	m := settingsModel(r)
	m.Saved = c.QueryParam("saved") == "1"
	return h.render(c, http.StatusOK, views.SettingsPage(h.staffPage(c, "Settings · "+r.Name, r, "Settings"), m))
}

// SaveSettings changes the alert rules: POST /restaurants/:slug/settings.
func (h *Handler) SaveSettings(c echo.Context) error {
	r := ownedRestaurant(c)
	m := settingsModel(r)
	m.Errors = views.FieldErrors{}
	max, err := strconv.Atoi(c.FormValue("max_rating"))
	if err != nil || max < 0 || max > 5 {
		m.Errors["max_rating"] = "Choose a rating from the list."
	}
	m.MaxRating, m.UrgentTags, m.AtTable = max, c.FormValue("urgent_tags") != "", c.FormValue("at_table") != ""
	m.EscalateMins = c.FormValue("escalate")
	mins, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(m.EscalateMins), ",", ".", 1), 64)
	if err != nil || math.IsNaN(mins) || mins < 0.5 || mins > 60 {
		m.Errors["escalate"] = "Enter a number of minutes from 0.5 to 60."
	}
	m.VoiceLow, m.VoiceCentral, m.VoiceHigh = c.FormValue("voice_low"), c.FormValue("voice_central"), c.FormValue("voice_high")
	low, ok1 := parsePercent(m.VoiceLow)
	central, ok2 := parsePercent(m.VoiceCentral)
	high, ok3 := parsePercent(m.VoiceHigh)
	switch {
	case !ok1 || !ok2 || !ok3:
		m.Errors["voice"] = "Enter three percentages above 0 and at most 100."
	case low > central || central > high:
		m.Errors["voice"] = "Lowest, most likely and highest must go up in that order."
	}
	m.TeamNames = c.FormValue("team")
	team := strings.Split(m.TeamNames, ",")
	for _, n := range team {
		if len(strings.TrimSpace(n)) > 40 {
			m.Errors["team"] = "A name is at most 40 characters; separate names with commas."
		}
	}
	if len(team) > store.MaxTeamNames {
		m.Errors["team"] = "List at most " + strconv.Itoa(store.MaxTeamNames) + " names."
	}
	if len(m.Errors) == 0 {
		voice := store.Range{Low: low, Central: central, High: high}
		if err := h.db.SetSummarySettings(c.Request().Context(), r.ID, voice, team); err != nil {
			return err
		}
		rules := store.AlertRules{MaxRating: max, UrgentTags: m.UrgentTags, AtTable: m.AtTable,
			EscalateAfter: time.Duration(mins * float64(time.Minute)).Round(time.Second)}
		if err := h.db.SetAlertRules(c.Request().Context(), r.ID, rules); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, restaurantPath(r)+"/settings?saved=1")
	}
	return h.render(c, http.StatusUnprocessableEntity, views.SettingsPage(h.staffPage(c, "Settings · "+r.Name, r, "Settings"), m))
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
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.StaffPage(h.staffPage(c, "Staff · "+r.Name, r, "Staff"), m))
}

// StaffList lists the restaurant's staff: GET /restaurants/:slug/staff.
func (h *Handler) StaffList(c echo.Context) error {
	return h.renderStaff(c, http.StatusOK, ownedRestaurant(c), views.Staff{})
}

// StaffInvite adds a manager: POST /restaurants/:slug/staff. Someone new gets
// an account with a generated password, shown to the owner once; someone with
// an account keeps their password.
func (h *Handler) StaffInvite(c echo.Context) error {
	r := ownedRestaurant(c)
	ctx := c.Request().Context()
	m := views.Staff{Email: strings.TrimSpace(c.FormValue("email")), Name: strings.TrimSpace(c.FormValue("name"))}
	u, err := h.db.UserByEmail(ctx, m.Email)
	if errors.Is(err, store.ErrNotFound) {
		m.Password = NewPassword()
		u, err = h.db.CreateUser(ctx, m.Email, m.Name, m.Password)
		if store.ErrorCode(err) == store.EInvalid {
			field := "email"
			if m.Name == "" {
				field = "name"
			}
			m.Password = ""
			m.Errors = views.FieldErrors{field: store.ErrorMessage(err)}
			return h.renderStaff(c, http.StatusUnprocessableEntity, r, m)
		}
	}
	if err != nil {
		return err
	}
	// Adding never demotes: an owner stays one, whatever else goes wrong.
	// The restaurant knows them by what the owner typed: the name, or, for an
	// existing account with no name typed, the email.
	role, err := h.db.AddStaff(ctx, u.ID, r.ID, store.RoleManager, cmp.Or(m.Name, m.Email))
	if err != nil {
		return err
	}
	if role == store.RoleOwner {
		m.Errors = views.FieldErrors{"email": "That's an owner of this restaurant already."}
		return h.renderStaff(c, http.StatusUnprocessableEntity, r, m)
	}
	// The owner sees what they typed, never the name of someone who already
	// has an account (perhaps with another restaurant).
	m.Invited, m.Email, m.Name = cmp.Or(m.Name, m.Email), "", ""
	return h.renderStaff(c, http.StatusOK, r, m)
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

// NewPassword makes a password to hand to a new staff member: 20 base32
// characters (A–Z, 2–7: nothing to mistake for anything else), 100 bits.
func NewPassword() string {
	t := rand.Text()
	return t[0:5] + "-" + t[5:10] + "-" + t[10:15] + "-" + t[15:20]
}
