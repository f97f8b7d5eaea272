package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// renderAccount shows a staff member's own page with the forms as given.
func (h *Handler) renderAccount(c echo.Context, status int, a views.Account) error {
	s := staffOf(c)
	sessions, err := h.db.Sessions(c.Request().Context(), s.user.ID)
	if err != nil {
		return err
	}
	a.Email, a.NameAction, a.PasswordAction, a.EndOthersAction = s.user.Email, "/account/name", "/account/password", "/account/sessions/end-others"
	if a.Name == "" && a.Errors["name"] == "" {
		a.Name = s.user.Name
	}
	loc := h.staffZone(c)
	for _, ss := range sessions {
		a.Sessions = append(a.Sessions, views.SessionRow{Device: views.Device(ss.UserAgent), Address: ss.Address,
			Started: views.DayTime(ss.CreatedAt.In(loc)), LastSeen: views.DayTime(ss.SeenAt.In(loc)), Current: ss.ID == s.session.ID})
	}
	devices, err := h.db.Devices(c.Request().Context(), s.user.ID)
	if err != nil {
		return err
	}
	for _, d := range devices {
		row := views.DeviceRow{Device: views.Device(d.UserAgent), Restaurant: d.Restaurant,
			Since: views.DayTime(d.CreatedAt.In(loc)), Service: views.PushService(d.Endpoint), Current: d.SessionID == s.session.ID,
			RemoveAction: "/account/devices/" + strconv.FormatInt(d.ID, 10) + "/remove"}
		if d.SessionID == "" {
			row.Device = "A browser signed in before this release"
		}
		a.Devices = append(a.Devices, row)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := h.page("Your account")
	p.Nav = h.staffNav(c, "Account")
	return h.render(c, status, views.AccountPage(p, a))
}

// Account is GET /account.
func (h *Handler) Account(c echo.Context) error {
	a := views.Account{}
	switch c.QueryParam("done") {
	case "name":
		a.Flash = "Name saved."
	case "password":
		a.Flash = "Password changed. Everywhere else you were signed in, you are signed out."
	case "others":
		a.Flash = "Signed out everywhere else."
	case "device":
		a.Flash = "Removed: that phone or browser is no longer notified."
	}
	return h.renderAccount(c, http.StatusOK, a)
}

// AccountName changes the signed-in person's name: POST /account/name.
func (h *Handler) AccountName(c echo.Context) error {
	name := c.FormValue("name")
	err := h.db.SetUserName(c.Request().Context(), staffOf(c).user.ID, name)
	if store.ErrorCode(err) == store.EInvalid {
		return h.renderAccount(c, http.StatusUnprocessableEntity, views.Account{Name: name,
			Errors: views.FieldErrors{"name": store.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=name")
}

// newPassword reads a new password and its confirmation; what is wrong goes
// into errs.
func newPassword(c echo.Context, errs views.FieldErrors) string {
	p := c.FormValue("new_password")
	if p != c.FormValue("confirm_password") {
		errs["confirm_password"] = "The two new passwords are not the same."
	}
	return p
}

// AccountPassword changes the signed-in person's password and signs them out
// everywhere else: POST /account/password with current_password,
// new_password and confirm_password.
func (h *Handler) AccountPassword(c echo.Context) error {
	s := staffOf(c)
	errs := views.FieldErrors{}
	p := newPassword(c, errs)
	if len(errs) == 0 {
		err := h.db.ChangePassword(c.Request().Context(), s.user.ID, s.session.ID, c.FormValue("current_password"), p)
		if se := locked(c, err); se != nil { // wrong current passwords are throttled as sign-ins are
			errs["current_password"] = se.Message
			return h.renderAccount(c, http.StatusTooManyRequests, views.Account{Errors: errs})
		}
		if !formErrors(err, errs) {
			if err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, "/account?done=password")
		}
	}
	return h.renderAccount(c, http.StatusUnprocessableEntity, views.Account{Errors: errs})
}

// AccountRemoveDevice stops a phone or browser of the person's being
// notified: POST /account/devices/:id/remove.
func (h *Handler) AccountRemoveDevice(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return store.ErrNotFound
	}
	if err := h.db.RemoveDevice(c.Request().Context(), staffOf(c).user.ID, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=device")
}

// AccountEndOthers signs the person out of every other browser:
// POST /account/sessions/end-others.
func (h *Handler) AccountEndOthers(c echo.Context) error {
	s := staffOf(c)
	if err := h.db.EndOtherSessions(c.Request().Context(), s.user.ID, s.session.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account?done=others")
}

// ForgotForm asks for a reset link: GET /login/forgot.
func (h *Handler) ForgotForm(c echo.Context) error {
	return h.renderForgot(c, http.StatusOK, views.Forgot{Email: c.QueryParam("email")})
}

func (h *Handler) renderForgot(c echo.Context, status int, f views.Forgot) error {
	f.CSRF, f.Mail = csrfToken(c), h.cfg.Mail
	if f.Email == "" {
		f.Email = "EMAIL"
		if f.Mail {
			f.Email = ""
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.ForgotPage(h.page("Forgot your password?"), f))
}

// Forgot mails a reset link, when there is an account for the email: POST
// /login/forgot. The answer is the same whether there is or not, and so is
// the work done before it (the mail itself goes out from the outbox).
func (h *Handler) Forgot(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	if !h.cfg.Mail {
		return h.renderForgot(c, http.StatusOK, views.Forgot{Email: email})
	}
	ctx := c.Request().Context()
	token, u, err := h.db.CreatePasswordReset(ctx, email)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	default:
		link := strings.TrimRight(h.cfg.BaseURL, "/") + "/login/reset?token=" + url.QueryEscape(token)
		subject, text := views.ResetEmail(u.Name, link)
		err := h.db.QueueEmail(ctx, 0, u.ID, store.EmailMessage{ToName: u.Name, To: u.Email, Subject: subject, Text: text})
		if err != nil {
			return err
		}
		h.notifier.Wake()
	}
	return h.renderForgot(c, http.StatusOK, views.Forgot{Email: email, Sent: true})
}

// ResetForm is GET /login/reset?token=…: a new password for the link's
// account.
func (h *Handler) ResetForm(c echo.Context) error {
	token, u, err := h.resetLink(c)
	if err != nil {
		return err
	}
	return h.renderReset(c, http.StatusOK, token, u.Email, nil)
}

// resetLink is the ?token= of a reset link and its account, or why the link
// no longer works.
func (h *Handler) resetLink(c echo.Context) (string, store.User, error) {
	token := c.QueryParam("token")
	u, err := h.db.PasswordResetUser(c.Request().Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		return token, u, store.Errorf(store.ENotFound, "This link has been used or is more than 30 minutes old. Ask for a new one from the sign-in page.")
	}
	return token, u, err
}

func (h *Handler) renderReset(c echo.Context, status int, token, email string, errs views.FieldErrors) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	return h.render(c, status, views.ResetPage(h.page("Choose a new password"), views.Reset{CSRF: csrfToken(c),
		Action: "/login/reset?token=" + url.QueryEscape(token), Email: email, Errors: errs}))
}

// Reset sets the new password, ends every session of the account and signs
// this browser in: POST /login/reset?token=….
func (h *Handler) Reset(c echo.Context) error {
	token, u, err := h.resetLink(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	errs := views.FieldErrors{}
	p := newPassword(c, errs)
	if len(errs) == 0 {
		_, err = h.db.ResetPassword(ctx, token, p)
		if store.ErrorCode(err) == store.EInvalid {
			errs["new_password"] = store.ErrorMessage(err)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return h.renderReset(c, http.StatusUnprocessableEntity, token, u.Email, errs)
	}
	return h.signIn(c, u, "/floor")
}

// renderInvite shows an invitation, with the forms as given.
func (h *Handler) renderInvite(c echo.Context, status int, token string, inv store.Invitation, errs views.FieldErrors, name string) error {
	i := views.Invite{CSRF: csrfToken(c), Action: "/invite/" + url.PathEscape(token), Restaurant: inv.Restaurant.Name,
		Role: string(inv.Role), Email: inv.Email, Name: inv.Name, Errors: errs,
		SignInURL: "/login?next=" + url.QueryEscape("/invite/"+token)}
	if name != "" {
		i.Name = name
	}
	if s, ok := c.Get(staffKey).(*staff); ok {
		i.SignedInAs = s.user.Email
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return h.render(c, status, views.InvitePage(h.page("Join "+inv.Restaurant.Name), i))
}

// invitation finds the invitation of the path's token.
func (h *Handler) invitation(c echo.Context) (string, store.Invitation, error) {
	token := c.Param("token")
	inv, err := h.db.InvitationByToken(c.Request().Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		return token, inv, store.Errorf(store.ENotFound, "This invitation has been accepted already or is more than a week old. Ask the restaurant's owner for a new one.")
	}
	return token, inv, err
}

// InviteShow is GET /invite/:token.
func (h *Handler) InviteShow(c echo.Context) error {
	token, inv, err := h.invitation(c)
	if err != nil {
		return err
	}
	return h.renderInvite(c, http.StatusOK, token, inv, nil, "")
}

// InviteAccept accepts an invitation: POST /invite/:token. Signed in with
// the invited email, it adds the membership; not signed in, it makes the
// account (name and a new password) first and signs it in.
func (h *Handler) InviteAccept(c echo.Context) error {
	token, inv, err := h.invitation(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if s, ok := c.Get(staffKey).(*staff); ok {
		if _, err := h.db.AcceptInvitation(ctx, token, s.user); store.ErrorCode(err) == store.EConflict {
			return h.renderInvite(c, http.StatusConflict, token, inv, views.FieldErrors{"form": store.ErrorMessage(err)}, "")
		} else if err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, floorPath(inv.Restaurant))
	}
	errs := views.FieldErrors{}
	name := c.FormValue("name")
	p := newPassword(c, errs)
	var u store.User
	if len(errs) == 0 {
		u, err = h.db.CreateUser(ctx, inv.Email, name, p)
		switch {
		case store.ErrorCode(err) == store.EConflict:
			errs["form"] = "There is already an account for " + inv.Email + ": sign in to accept."
		case formErrors(err, errs):
		case err != nil:
			return err
		}
	}
	if len(errs) > 0 {
		return h.renderInvite(c, http.StatusUnprocessableEntity, token, inv, errs, name)
	}
	if _, err := h.db.AcceptInvitation(ctx, token, u); err != nil {
		return err
	}
	return h.signIn(c, u, floorPath(inv.Restaurant))
}
