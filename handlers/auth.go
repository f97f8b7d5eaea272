package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

const (
	sessionName = "tableside"
	staffKey    = "staff" // echo.Context key of the signed-in *staff
	// anonCookie binds the CSRF token of forms filled in before signing in
	// (the login form) to this browser.
	anonCookie = "_csrf"
	// deviceCookie keeps the device tokens (store.DeviceToken) of the
	// accounts signed in with in this browser, the latest first: a shared
	// tablet knows each of its managers.
	deviceCookie = "device"
	maxDevices   = 8
	deviceMaxAge = 400 * 24 * time.Hour // the most a browser keeps a cookie
)

// cookie is a cookie's name: under HTTPS "__Host-" prefixed, so that no
// other host (a sibling subdomain) can set or shadow it.
func (h *Handler) cookie(name string) string {
	if h.secure {
		return "__Host-" + name
	}
	return name
}

// staff is the signed-in user, their session and where they work, loaded
// on every staff request so that a removed manager loses access at once.
type staff struct {
	user        store.User
	session     store.Session
	memberships []store.Membership
}

// role returns the user's role in the restaurant with the slug, if any.
func (s *staff) role(slug string) (store.Membership, bool) {
	for _, m := range s.memberships {
		if m.Restaurant.Slug == slug {
			return m, true
		}
	}
	return store.Membership{}, false
}

// newSessionStore signs and encrypts session cookies with key (64 bytes: 32 to
// sign, 32 to encrypt). The cookie holds only the session's token; the
// session itself is a row (store.Session).
func newSessionStore(key []byte, secure bool) *sessions.CookieStore {
	s := sessions.NewCookieStore(key[:32], key[32:64])
	s.Options = &sessions.Options{Path: "/", MaxAge: int(store.SessionMax / time.Second), HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode}
	s.MaxAge(int(store.SessionMax / time.Second))
	return s
}

// sessionKey is the session key of the configuration, or one generated on the
// first run and kept in the database, so a restart logs nobody out.
func sessionKey(ctx context.Context, cfg Config, db *store.DB) ([]byte, error) {
	if len(cfg.SessionKey) > 0 {
		if len(cfg.SessionKey) < 64 {
			return nil, errors.New("handlers: the session key must be at least 64 bytes")
		}
		return cfg.SessionKey, nil
	}
	return db.Secret(ctx, "session", 64)
}

// session loads the signed-in staff member when the request's cookie names a
// live session; requireStaff then insists on one.
func (h *Handler) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess, _ := h.sessions.Get(c.Request(), h.cookie(sessionName)) // a bad cookie is no session
		token, _ := sess.Values["sid"].(string)
		if token == "" {
			return next(c)
		}
		ctx := c.Request().Context()
		s, u, err := h.db.SessionByToken(ctx, token, c.RealIP())
		if errors.Is(err, store.ErrNotFound) {
			return next(c)
		}
		if err != nil {
			return err
		}
		ms, err := h.db.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		c.Set(staffKey, &staff{user: u, session: s, memberships: ms})
		return next(c)
	}
}

// csrf protects every staff form with a token bound to the session (to an
// anonymous cookie of its own before signing in): an HMAC of its id under
// the server's key, so that a cookie planted from a sibling host cannot make
// a token that passes. Requests the browser says come from another origin,
// even a sibling (Sec-Fetch-Site, or in browsers without it Origin against
// Host: net/http's CrossOriginProtection), are refused outright.
func (h *Handler) csrf() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			var bound string
			if s, ok := c.Get(staffKey).(*staff); ok {
				bound = "session " + s.session.ID
			} else {
				bound = "anonymous " + h.anonID(c)
			}
			mac := hmac.New(sha256.New, h.csrfKey)
			mac.Write([]byte(bound))
			token := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
			c.Set("csrf", token)
			switch c.Request().Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			if err := h.crossOrigin.Check(c.Request()); err != nil {
				return echo.NewHTTPError(http.StatusForbidden).SetInternal(fmt.Errorf("csrf: %w", err))
			}
			sent := c.Request().Header.Get("X-CSRF-Token") // scripts send JSON with the header
			if sent == "" {
				sent = c.FormValue("csrf")
			}
			if !hmac.Equal([]byte(sent), []byte(token)) {
				return echo.NewHTTPError(http.StatusForbidden).SetInternal(errors.New("csrf: the token does not match"))
			}
			return next(c)
		}
	}
}

// anonID is this browser's anonymous id, from its cookie or made now.
func (h *Handler) anonID(c echo.Context) string {
	if ck, err := c.Cookie(h.cookie(anonCookie)); err == nil && keyRE.MatchString(ck.Value) {
		return ck.Value
	}
	id := store.NewToken()
	c.SetCookie(&http.Cookie{Name: h.cookie(anonCookie), Value: id, Path: "/", HttpOnly: true, Secure: h.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(24 * time.Hour / time.Second)})
	return id
}

// csrfToken is the token a form of this request must carry.
func csrfToken(c echo.Context) string {
	token, _ := c.Get("csrf").(string)
	return token
}

// requireStaff lets signed-in staff through and sends everyone else to the
// login page, remembering where they were going.
func (h *Handler) requireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := c.Get(staffKey).(*staff); !ok {
			return h.toLogin(c)
		}
		return next(c)
	}
}

func (h *Handler) toLogin(c echo.Context) error {
	if c.Request().Method != http.MethodGet {
		return echo.NewHTTPError(http.StatusUnauthorized)
	}
	return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
}

func staffOf(c echo.Context) *staff { return c.Get(staffKey).(*staff) }

// requireOwner lets through owners of the restaurant in the URL's :slug;
// for anyone else that restaurant does not exist.
func (h *Handler) requireOwner(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		m, ok := staffOf(c).role(c.Param("slug"))
		if !ok || m.Role != store.RoleOwner {
			return store.ErrNotFound
		}
		return next(c)
	}
}

// ownedRestaurant is the restaurant of the URL, once requireOwner has passed.
func ownedRestaurant(c echo.Context) store.Restaurant {
	m, _ := staffOf(c).role(c.Param("slug"))
	return m.Restaurant
}

// loginLimiter slows password guessing: a few attempts a minute per address.
func (h *Handler) loginLimiter() echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Skipper: func(c echo.Context) bool { return c.Request().Method != http.MethodPost },
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(10.0 / 60), Burst: 10, ExpiresIn: 15 * time.Minute,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "60")
			return h.renderLogin(c, http.StatusTooManyRequests, c.FormValue("email"),
				"Too many attempts from this connection. Please wait a minute and try again.")
		},
	})
}

// localPath returns next if it is a path on this site, and "" otherwise, so a
// login link can never send someone to another site.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}

func (h *Handler) renderLogin(c echo.Context, status int, email, message string) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, status, views.LoginPage(h.page("Sign in"), views.Login{
		Email: email, Next: localPath(c.FormValue("next")), CSRF: csrfToken(c), Error: message,
	}))
}

// LoginForm shows the staff sign-in form: GET /login.
func (h *Handler) LoginForm(c echo.Context) error {
	return h.renderLogin(c, http.StatusOK, "", "")
}

// Login signs a staff member in: POST /login. The session is made anew, so no
// cookie planted before the login can ride on it.
func (h *Handler) Login(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	u, err := h.db.CheckPassword(c.Request().Context(), email, c.FormValue("password"), c.RealIP(), h.devices(c)...)
	if errors.Is(err, store.ErrNotFound) {
		return h.renderLogin(c, http.StatusUnauthorized, email, "That email and password don't match an account.")
	}
	if se := locked(c, err); se != nil {
		return h.renderLogin(c, http.StatusTooManyRequests, email, se.Message)
	}
	if err != nil {
		return err
	}
	h.rememberDevice(c, u.Email)
	next := localPath(c.FormValue("next"))
	if next == "" {
		next = "/floor"
	}
	return h.signIn(c, u, next)
}

// locked is err if it says too many wrong passwords were tried (ELocked),
// with Retry-After set to the wait, and nil otherwise.
func locked(c echo.Context, err error) *store.Error {
	se := (*store.Error)(nil)
	if !errors.As(err, &se) || se.Code != store.ELocked {
		return nil
	}
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(se.RetryAfter.Round(time.Second)/time.Second)+1))
	return se
}

// devices are the device tokens this browser carries.
func (h *Handler) devices(c echo.Context) []string {
	ck, err := c.Cookie(h.cookie(deviceCookie))
	if err != nil {
		return nil
	}
	return strings.Split(ck.Value, "|")
}

// rememberDevice keeps a device token for email in this browser, the first
// of at most maxDevices: its own, if it has one, else a new one.
func (h *Handler) rememberDevice(c echo.Context, email string) {
	tokens := h.devices(c)
	mine := h.db.KnownDevice(email, tokens)
	if mine == "" {
		mine = h.db.DeviceToken(email)
	}
	keep := []string{mine}
	for _, t := range tokens {
		if t != mine && len(keep) < maxDevices && deviceTokenRE.MatchString(t) {
			keep = append(keep, t)
		}
	}
	c.SetCookie(&http.Cookie{Name: h.cookie(deviceCookie), Value: strings.Join(keep, "|"), Path: "/", HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(deviceMaxAge / time.Second)})
}

// deviceTokenRE is the shape of a device token, so that a cookie cannot
// grow with anything else.
var deviceTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$`)

// signIn starts a new session for the user in this browser (ending the one
// it had) and goes on to next.
func (h *Handler) signIn(c echo.Context, u store.User, next string) error {
	ctx := c.Request().Context()
	if old, ok := c.Get(staffKey).(*staff); ok {
		if err := h.db.EndSession(ctx, old.session.ID); err != nil {
			return err
		}
	}
	token, _, err := h.db.CreateSession(ctx, u.ID, c.Request().UserAgent(), c.RealIP())
	if err != nil {
		return err
	}
	if err := h.saveSessionCookie(c, token); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// saveSessionCookie sets the session cookie to token, or expires it ("").
func (h *Handler) saveSessionCookie(c echo.Context, token string) error {
	sess := sessions.NewSession(h.sessions, h.cookie(sessionName))
	opts := *h.sessions.Options
	sess.Options, sess.IsNew = &opts, true
	if token == "" {
		opts.MaxAge = -1
	} else {
		sess.Values["sid"] = token
	}
	return sess.Save(c.Request(), c.Response())
}

// Logout ends the session, on the server too, so a copy of the cookie no
// longer works: POST /logout.
func (h *Handler) Logout(c echo.Context) error {
	if s, ok := c.Get(staffKey).(*staff); ok {
		if err := h.db.EndSession(c.Request().Context(), s.session.ID); err != nil {
			return err
		}
	}
	if err := h.saveSessionCookie(c, ""); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
