package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
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
	// sessionAge is how long a login lasts: a floor tablet stays signed in
	// through a month of shifts.
	sessionAge = 30 * 24 * time.Hour
	staffKey   = "staff" // echo.Context key of the signed-in *staff
)

// staff is the signed-in user and where they work, loaded on every staff
// request so that a removed manager loses access at once.
type staff struct {
	user        store.User
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
// sign, 32 to encrypt).
func newSessionStore(key []byte, secure bool) *sessions.CookieStore {
	s := sessions.NewCookieStore(key[:32], key[32:64])
	s.Options = &sessions.Options{Path: "/", MaxAge: int(sessionAge / time.Second), HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode}
	s.MaxAge(int(sessionAge / time.Second))
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

// csrf protects every staff form: Echo's middleware checks the browser's
// Sec-Fetch-Site header, or else a token in the form against its cookie.
func (h *Handler) csrf() echo.MiddlewareFunc {
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:csrf", // scripts send JSON with the header
		CookieName:     "_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   h.secure,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   int(sessionAge / time.Second),
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden).SetInternal(err)
		},
	})
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
		sess, _ := h.sessions.Get(c.Request(), sessionName) // a bad cookie is a new session
		id, _ := sess.Values["user"].(int64)
		if id == 0 {
			return h.toLogin(c)
		}
		ctx := c.Request().Context()
		u, err := h.db.UserByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return h.toLogin(c)
		}
		if err != nil {
			return err
		}
		ms, err := h.db.Memberships(ctx, u.ID)
		if err != nil {
			return err
		}
		c.Set(staffKey, &staff{user: u, memberships: ms})
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
	u, err := h.db.CheckPassword(c.Request().Context(), email, c.FormValue("password"))
	if errors.Is(err, store.ErrNotFound) {
		return h.renderLogin(c, http.StatusUnauthorized, email, "That email and password don't match an account.")
	}
	if se := (*store.Error)(nil); errors.As(err, &se) && se.Code == store.ELocked {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(store.LockoutFor/time.Second)))
		return h.renderLogin(c, http.StatusTooManyRequests, email, se.Message)
	}
	if err != nil {
		return err
	}
	sess := sessions.NewSession(h.sessions, sessionName)
	opts := *h.sessions.Options
	sess.Options, sess.IsNew = &opts, true
	sess.Values["user"] = u.ID
	sess.Values["at"] = h.now().Unix()
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	next := localPath(c.FormValue("next"))
	if next == "" {
		next = "/floor"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// Logout ends the session: POST /logout.
func (h *Handler) Logout(c echo.Context) error {
	sess := sessions.NewSession(h.sessions, sessionName)
	opts := *h.sessions.Options
	opts.MaxAge = -1
	sess.Options = &opts
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
