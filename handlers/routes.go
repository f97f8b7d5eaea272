// Package handlers is Tableside's HTTP layer: one route table, one error path,
// one render helper, and a file per area.
package handlers

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/tableside/tableside/static"
	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

// Config is what the HTTP layer needs to know about its deployment.
type Config struct {
	// BaseURL is the absolute URL guests reach the server at, without a
	// trailing slash; QR codes and printed cards use it.
	BaseURL string
	// Demo shows a link to the demo restaurant's survey on the landing page.
	Demo bool
	// SurveyLimit is how many survey submissions one client address may make per
	// minute (with a burst of as many); 0 turns the limit off.
	SurveyLimit int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed: the client address is the last one in it that is not one of
	// them. From any other peer the header is ignored (anyone can write it),
	// so it cannot dodge the survey or login limits. None: the peer is the
	// client.
	TrustedProxies []*net.IPNet
	// SessionKey signs and encrypts staff sessions (at least 64 bytes). Empty,
	// a key is generated on the first run and kept in the database.
	SessionKey []byte
	// SecureCookies marks cookies Secure; it is on by itself when BaseURL is
	// https.
	SecureCookies bool
	// Now is the server's clock (time.Now when nil): every page's "today",
	// "this week" and "waiting 3 min" reads it, as the store does, so a test
	// can pin both to one moment.
	Now func() time.Time
	// PingEvery is how often live streams send a keep-alive (default 20 s).
	PingEvery time.Duration
	// Shutdown, closed when the server begins to shut down, ends every live
	// stream (each client is told, and reconnects to the next server).
	Shutdown <-chan struct{}
	// Assets are the embedded files with their hashed URLs; nil, the
	// handler hashes its own (the server's main shares the ones it made).
	Assets *static.Assets
	// Mail says whether email can be sent (SMTP is set): password reset
	// links and invitations are then mailed through the outbox.
	Mail bool
	// Notifier gives the key phones subscribe with, checks where push
	// endpoints and webhooks may point, and test-sends webhooks; nil: none
	// runs (only the form of URLs is checked, and nothing is sent).
	Notifier Notifier
	// Streams counts the live streams running outside the HTTP server's
	// requests (serveStream): wait on it after Shutdown, so that each has
	// told its client before the process exits. Nil: the handler's own.
	Streams *sync.WaitGroup
	// Metrics counts what an operator watches (nil: counted for nobody).
	Metrics *Metrics
	// ReceiptStreamsPerAddress and ReceiptStreams cap the live streams of
	// diners' receipts, which need no login: per client address and in all
	// (0: the defaults). Staff streams are not counted.
	ReceiptStreamsPerAddress, ReceiptStreams int
	// RetainContactsDays is how long a guest's name and contact are kept
	// (the server clears them after), as the survey tells the guest; 0: kept
	// until erased.
	RetainContactsDays int
}

// Handler holds the dependencies of every handler.
type Handler struct {
	cfg       Config
	db        *store.DB
	log       *slog.Logger
	assets    *static.Assets
	css       string
	icon      string
	sessions  *sessions.CookieStore
	csrfKey   []byte // signs CSRF tokens
	secure    bool
	pingEvery time.Duration
	now       func() time.Time // Config.Now
	streams   *streamCaps
	// streamsRunning is Config.Streams.
	streamsRunning *sync.WaitGroup
	notifier       Notifier
	crossOrigin    *http.CrossOriginProtection
	metrics        *Metrics
	sessionStreams sessionStreams // floor streams per sign-in
	targets        sync.Map       // table token → store.SurveyTarget, for when the database is away
}

// New builds the Echo router with every route and middleware.
func New(cfg Config, db *store.DB, log *slog.Logger) (*echo.Echo, error) {
	assets := cfg.Assets
	if assets == nil {
		var err error
		if assets, err = static.New(); err != nil {
			return nil, err
		}
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	h := &Handler{cfg: cfg, db: db, log: log, assets: assets,
		css: assets.URL("app.css"), icon: assets.URL("favicon.svg"),
		secure: cfg.SecureCookies || strings.HasPrefix(cfg.BaseURL, "https://"), pingEvery: cfg.PingEvery}
	if h.now = cfg.Now; h.now == nil {
		h.now = time.Now
	}
	if h.metrics = cfg.Metrics; h.metrics == nil {
		h.metrics = NewMetrics(prometheus.NewRegistry())
	}
	h.crossOrigin = http.NewCrossOriginProtection()
	if cfg.BaseURL != "" { // behind a proxy, the Host header may be another name
		if err := h.crossOrigin.AddTrustedOrigin(cfg.BaseURL); err != nil {
			return nil, fmt.Errorf("the base URL %q: %w", cfg.BaseURL, err)
		}
	}
	if h.pingEvery <= 0 {
		h.pingEvery = 20 * time.Second
	}
	if h.notifier = cfg.Notifier; h.notifier == nil {
		keys, err := db.VAPIDKeys(context.Background())
		if err != nil {
			return nil, err
		}
		h.notifier = noNotifier{key: keys.Public}
	}
	if h.streamsRunning = cfg.Streams; h.streamsRunning == nil {
		h.streamsRunning = new(sync.WaitGroup)
	}
	if h.cfg.Shutdown == nil {
		h.cfg.Shutdown = make(chan struct{}) // never closed: streams end with their requests
	}
	h.streams = newStreamCaps(cmp.Or(cfg.ReceiptStreamsPerAddress, DefaultReceiptStreamsPerAddress),
		cmp.Or(cfg.ReceiptStreams, DefaultReceiptStreams), log, h.now)
	key, err := sessionKey(context.Background(), cfg, db)
	if err != nil {
		return nil, err
	}
	h.sessions = newSessionStore(key, h.secure)
	if h.csrfKey, err = db.Secret(context.Background(), "csrf", 32); err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = h.handleError
	e.IPExtractor = echo.ExtractIPDirect()
	if len(cfg.TrustedProxies) > 0 {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range cfg.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			h.log.Error("panic", "err", err, "route", c.Path(), "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.RequestID())
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: contentSecurityPolicy("", ""),
	}))
	// Powerful features no page needs are off; the floor keeps its screen on.
	// Under an https base URL, browsers are told to come back only over
	// HTTPS (HSTS, a year), whatever a proxy in front says of the scheme.
	https := strings.HasPrefix(cfg.BaseURL, "https://")
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("Permissions-Policy", permissionsPolicy)
			if https {
				c.Response().Header().Set("Strict-Transport-Security", "max-age=31536000")
			}
			return next(c)
		}
	})
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "64K",
		// A covers file has its own, larger limit on its route.
		Skipper: func(c echo.Context) bool { return c.Path() == "/covers/import" }}))
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 512,
		// Event streams are flushed event by event; compression would hold them.
		Skipper: func(c echo.Context) bool { return strings.HasSuffix(c.Request().URL.Path, "/events") }}))
	h.routes(e)
	return e, nil
}

// permissionsPolicy turns off the browser features Tableside never uses, on
// every response; the floor tablet keeps its screen awake.
const permissionsPolicy = "accelerometer=(), autoplay=(self), camera=(), display-capture=(), geolocation=(), gyroscope=(), " +
	"magnetometer=(), microphone=(), payment=(), publickey-credentials-get=(), screen-wake-lock=(self), usb=(), xr-spatial-tracking=()"

// routes is the route table: every URL Tableside answers, top to bottom.
func (h *Handler) routes(e *echo.Echo) {
	e.GET("/", h.Home)
	e.GET("/healthz", h.Healthz)
	e.GET(static.Prefix+"*", echo.WrapHandler(h.assets))
	// The floor tablet as an installable app: its manifest and service
	// worker, at fixed addresses (a worker's scope follows its URL).
	e.GET("/manifest.webmanifest", h.Manifest)
	e.GET("/sw.js", h.ServiceWorker)

	// Diners: no login, reached by QR code.
	e.GET("/t/:token", h.SurveyShow)
	e.POST("/t/:token", h.SurveySubmit, middleware.BodyLimit("16K"), h.surveyLimiter())
	e.GET("/r/:receipt", h.Receipt)
	e.GET("/r/:receipt/events", h.ReceiptEvents)

	// Staff sign-in. Every staff form carries a CSRF token, bound to the
	// session (or, before signing in, to a cookie of its own).
	csrf := h.csrf()
	e.GET("/login", h.LoginForm, h.session, csrf)
	e.POST("/login", h.Login, h.loginLimiter(), h.session, csrf)
	e.POST("/logout", h.Logout, h.session, csrf)
	e.GET("/login/forgot", h.ForgotForm, h.session, csrf)
	e.POST("/login/forgot", h.Forgot, h.loginLimiter(), h.session, csrf)
	e.GET("/login/reset", h.ResetForm, h.session, csrf)
	e.POST("/login/reset", h.Reset, h.loginLimiter(), h.session, csrf)
	e.GET("/invite/:token", h.InviteShow, h.session, csrf)
	e.POST("/invite/:token", h.InviteAccept, h.loginLimiter(), h.session, csrf)

	// One's own account: name, password, where one is signed in.
	e.GET("/account", h.Account, h.session, h.requireStaff, csrf)
	e.POST("/account/name", h.AccountName, h.session, h.requireStaff, csrf)
	e.POST("/account/password", h.AccountPassword, h.session, h.requireStaff, csrf)
	e.POST("/account/sessions/end-others", h.AccountEndOthers, h.session, h.requireStaff, csrf)
	e.POST("/account/devices/:id/remove", h.AccountRemoveDevice, h.session, h.requireStaff, csrf)

	// The floor: managers and owners of the restaurant.
	floor := e.Group("/floor", h.session, h.requireStaff, csrf)
	floor.GET("", h.Floor)
	floor.GET("/events", h.FloorEvents)
	floor.POST("/alerts/:id/ack", h.Acknowledge)
	floor.POST("/alerts/:id/resolve", h.Resolve)
	floor.POST("/alerts/:id/undo", h.UndoResolve)
	floor.POST("/alerts/:id/offer", h.SendOffer)
	bySession := redeemLimiter(func(c echo.Context) string { return staffOf(c).session.ID }, 20)
	byAddress := redeemLimiter(func(c echo.Context) string { return c.RealIP() }, 20)
	floor.GET("/redeem", h.Redeem, bySession, byAddress)
	floor.POST("/redeem", h.Redeem, bySession, byAddress)
	floor.POST("/in-person", h.InPerson)
	floor.POST("/shifts", h.SetShift)
	floor.GET("/week", h.MyWeek)
	floor.POST("/follow-ups/:id/done", h.FollowUpDone)
	// This person's phone: Web Push, and what it is told.
	floor.GET("/push/key", h.PushKey)
	floor.POST("/push/subscribe", h.PushSubscribe)
	floor.POST("/push/unsubscribe", h.PushUnsubscribe)
	floor.POST("/notifications", h.SaveNotifyPrefs)

	// Guests served per day, for the response rate: managers and owners.
	e.GET("/covers", h.CoversForm, h.session, h.requireStaff, csrf)
	e.POST("/covers", h.CoversSave, h.session, h.requireStaff, csrf)
	e.POST("/covers/import", h.CoversImport, middleware.BodyLimit(importLimit), h.session, h.requireStaff, csrf)

	// Owners' reading: the weekly summary and its exports, for one restaurant
	// (?r=SLUG) or all they own.
	e.GET("/summary", h.Summary, h.session, h.requireStaff, csrf)
	e.GET("/summary.csv", h.SummaryCSV, h.session, h.requireStaff, csrf)
	e.GET("/responses.csv", h.ResponsesCSV, h.session, h.requireStaff, csrf)
	// The same, as JSON, for an owner's session or a read-only API token.
	e.GET("/summary.json", h.SummaryJSON, h.session)
	e.GET("/api/openapi.yaml", h.OpenAPI)

	// A restaurant's setup: its owners only; for anyone else it does not exist.
	e.GET("/restaurants/new", h.NewRestaurantForm, h.session, h.requireStaff, csrf)
	e.POST("/restaurants/new", h.NewRestaurant, h.session, h.requireStaff, csrf)
	owner := e.Group("/restaurants/:slug", h.session, h.requireStaff, csrf, h.requireOwner)
	owner.GET("", h.Overview)
	owner.GET("/tables", h.TablesList)
	owner.POST("/tables", h.TableAdd)
	owner.POST("/sections", h.SaveSections)
	owner.GET("/tables/cards", h.TableCards)
	owner.GET("/tables/:id/qr.svg", h.TableQR)
	owner.POST("/tables/:id/rotate", h.TableRotate)
	owner.POST("/tables/:id/retire", h.TableRetire)
	owner.POST("/tables/:id/undo-rotate", h.TableUndoRotate)
	owner.POST("/tables/:id/restore", h.TableRestore)
	owner.GET("/settings", h.Settings)
	owner.POST("/settings", h.SaveSettings)
	owner.GET("/staff", h.StaffList)
	owner.POST("/staff", h.StaffInvite)
	owner.POST("/staff/:id/remove", h.StaffRemove)
	owner.POST("/staff/invitations/:key/revoke", h.StaffRevokeInvitation)
	owner.GET("/privacy", h.Privacy)
	owner.POST("/privacy/export", h.PrivacyExport)
	owner.POST("/privacy/erase", h.PrivacyErase)
	owner.POST("/api-tokens", h.APITokenAdd)
	owner.POST("/api-tokens/:id/revoke", h.APITokenRevoke)
	owner.GET("/webhooks", h.WebhooksList)
	owner.POST("/webhooks", h.WebhookAdd)
	owner.POST("/webhooks/:id/test", h.WebhookTest)
	owner.POST("/webhooks/:id/remove", h.WebhookRemove)
}

// surveyLimiter limits survey submissions per client address. Guests of one
// restaurant often share its Wi-Fi and so one address, so the default is
// generous; a refused diner gets the form back with everything they typed.
func (h *Handler) surveyLimiter() echo.MiddlewareFunc {
	if h.cfg.SurveyLimit <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate:      rate.Limit(float64(h.cfg.SurveyLimit) / 60),
			Burst:     h.cfg.SurveyLimit,
			ExpiresIn: 10 * time.Minute,
		}),
		IdentifierExtractor: func(c echo.Context) (string, error) { return c.RealIP(), nil },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "60")
			h.metrics.surveys.WithLabelValues("limited").Inc()
			form, err := c.FormParams()
			if err != nil {
				return formError(err)
			}
			return h.surveyRefused(c, http.StatusTooManyRequests, form, formProblem("survey.busy"))
		},
	})
}

// contentSecurityPolicy is every page's policy: our own files only, and
// besides them the inline style and script whose hash sources ('sha256-…')
// are given, if any (a diner's page inlines its own).
func contentSecurityPolicy(styleSrc, scriptSrc string) string {
	return "default-src 'none'; script-src " + strings.TrimSpace("'self' "+scriptSrc) +
		"; style-src " + strings.TrimSpace("'self' "+styleSrc) +
		"; img-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// page returns the layout model for a page with the given title.
func (h *Handler) page(title string) views.Page {
	return views.Page{Title: title, CSS: h.css, Icon: h.icon}
}
