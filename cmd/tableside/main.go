// Command tableside serves Tableside: diners' QR surveys, the floor tablet and
// the owner's summary, from one binary and one SQLite file.
//
//	tableside [-addr :8080] [-db tableside.db] [-base-url URL] [-demo]
//	tableside tables -db PATH [-base-url URL]
//	tableside user add -db PATH -email E -restaurant SLUG -role manager [-name N]
//	tableside digest -db PATH [-week YYYY-Www] [-dry-run]
//	tableside backup -db PATH -out FILE
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // restaurants' time zones work on a machine without zoneinfo

	"github.com/tableside/tableside/cmd/tableside/internal/digest"
	"github.com/tableside/tableside/cmd/tableside/internal/mailer"
	"github.com/tableside/tableside/cmd/tableside/internal/notify"
	"github.com/tableside/tableside/handlers"
	"github.com/tableside/tableside/static"
	"github.com/tableside/tableside/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "tableside:", err)
		}
		os.Exit(2)
	}
}

// commands are tableside's subcommands, each with one line for -h.
var commands = []struct{ name, does string }{
	{"restaurant", "add a restaurant (restaurant add) or list them (restaurant list)"},
	{"user", "add a user (user add) or set a new password (user reset-password)"},
	{"tables", "print each active table's survey link, for QR codes"},
	{"digest", "send, or print with -dry-run, the Monday digest"},
	{"backup", "copy a running server's SQLite database to a file"},
	{"webhook", "add, list or remove a restaurant's webhooks"},
	{"version", "print the module version and the revision it was built from"},
	{"healthcheck", "ask a server's /healthz, exit 0 if it answers 200 (a container's health check)"},
}

// usage is the server's -h: how to run it, the subcommands, the flags.
func usage(fs *flag.FlagSet) func() {
	return func() {
		w := fs.Output()
		fmt.Fprintln(w, "Usage: tableside [flags]   serve (see the flags below)")
		fmt.Fprintln(w, "       tableside COMMAND -h  a command's own flags")
		fmt.Fprintln(w, "\nCommands:")
		for _, c := range commands {
			fmt.Fprintf(w, "  %-11s %s\n", c.name, c.does)
		}
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
}

// runVersion prints the module's version and the revision it was built
// from (Go's build information).
func runVersion(stdout io.Writer) error {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		_, err := fmt.Fprintln(stdout, "tableside (no build information)")
		return err
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	line := "tableside " + info.Main.Version
	if rev := settings["vcs.revision"]; rev != "" {
		line += " " + rev
		if settings["vcs.modified"] == "true" {
			line += " (modified)"
		}
		if at := settings["vcs.time"]; at != "" {
			line += " " + at
		}
	}
	_, err := fmt.Fprintln(stdout, line+" "+info.GoVersion)
	return err
}

// run dispatches to a subcommand, or serves until ctx is cancelled.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "version":
			return runVersion(stdout)
		case "healthcheck":
			return runHealthcheck(ctx, args[1:], stdout, stderr)
		case "tables":
			return runTables(ctx, args[1:], stdout, stderr)
		case "user":
			return runUser(ctx, args[1:], os.Stdin, stdout, stderr)
		case "digest":
			return runDigest(ctx, args[1:], stdout, stderr)
		case "backup":
			return runBackup(ctx, args[1:], stdout, stderr)
		case "webhook":
			return runWebhook(ctx, args[1:], stdout, stderr)
		case "restaurant":
			return runRestaurant(ctx, args[1:], stdout, stderr)
		}
	}
	m := NewMain(stderr)
	if err := m.ParseFlags(args); err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.Logger.Info("shutting down")
	return m.Close()
}

// Config is the server's configuration, from flags with environment fallbacks.
type Config struct {
	Addr        string
	DB          string
	BaseURL     string
	Demo        bool
	SurveyLimit int
	// TrustedProxies are the -trusted-proxies CIDRs; TrustProxy is the old
	// -trust-proxy, kept for one release: it trusts loopback and private
	// addresses, and logs that it is deprecated.
	TrustedProxies string
	TrustProxy     bool
	SecureCookies  bool
	MaxDBMB        int // the database's size cap in MB; 0 for none
	// RetainContactsDays is how long guests' contact details are kept;
	// 0 keeps them.
	RetainContactsDays int
	// Live streams of diners' receipts: at most this many per client address
	// and in all (staff streams are not counted).
	ReceiptStreamsPerAddress, ReceiptStreams int
	SessionKey                               string // hex, from TABLESIDE_SESSION_KEY only: a flag would show it in ps
	Digest                                   digest.Config
	HTTPS                                    HTTPS
	MetricsAddr                              string
	// VAPIDSubject is the contact push services may write to about this
	// server (default: mailto: the digest's sender address).
	VAPIDSubject string
	// AllowPrivateHooks lets webhooks and push endpoints point at private or
	// local addresses (a relay on the restaurant's LAN; tests).
	AllowPrivateHooks bool
}

// Main is the running program: a test can start it on :0 with a temporary
// database, talk to it, and Close it.
type Main struct {
	Config Config
	Logger *slog.Logger
	DB     *store.DB
	// Now is the one clock: the store, the handlers, escalation and the
	// digest all read it, and nothing else reads the wall clock (network
	// deadlines aside). time.Now unless a test sets another before Run.
	Now func() time.Time

	ln     net.Listener
	server *http.Server
	// With -domain: the HTTP server beside the HTTPS one (the ACME
	// challenge, redirects), and its listener.
	redirect *http.Server
	plainLn  net.Listener
	// With -metrics-addr: the metrics' own server and listener.
	metricsServer *http.Server
	metricsLn     net.Listener
	streams       *sync.WaitGroup // live streams running outside the server's requests
	conns         connStates      // the server's connections, by state, for shutdown's log
	out           io.Writer       // where -h and flag errors go (the log's writer)
	done          chan error
	stop          context.CancelFunc // stops background work
	bg            chan struct{}

	closeOnce sync.Once
	closeErr  error
}

// NewMain returns a Main with the default configuration, logging to w.
func NewMain(w io.Writer) *Main {
	return &Main{
		Config: Config{Addr: ":8080", DB: "tableside.db", SurveyLimit: 30, RetainContactsDays: 90,
			HTTPS:                    HTTPS{HTTPSAddr: ":443", HTTPAddr: ":80", Directory: letsEncrypt},
			ReceiptStreamsPerAddress: handlers.DefaultReceiptStreamsPerAddress, ReceiptStreams: handlers.DefaultReceiptStreams},
		Logger: slog.New(slog.NewTextHandler(w, nil)),
		Now:    time.Now,
		out:    w,
	}
}

// env returns the environment variable TABLESIDE_NAME, or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv("TABLESIDE_" + name); ok {
		return v
	}
	return def
}

// envFlags sets flags from their TABLESIDE_ variables (-survey-limit from
// TABLESIDE_SURVEY_LIMIT), before the command line is parsed, so a flag wins.
// Only the named flags are read, or all with none named. A variable that does
// not parse is an error that names it: the program stops rather than run on
// a default in silence.
func envFlags(fs *flag.FlagSet, names ...string) error {
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if len(names) > 0 && !slices.Contains(names, f.Name) {
			return
		}
		name := "TABLESIDE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %v", name, v, err))
			}
		}
	})
	return errors.Join(errs...)
}

// ParseFlags reads the configuration from args, falling back to TABLESIDE_*
// environment variables, then to the defaults. A variable that does not parse
// is an error naming it.
func (m *Main) ParseFlags(args []string) error {
	fs := flag.NewFlagSet("tableside", flag.ContinueOnError)
	if m.out != nil {
		fs.SetOutput(m.out)
	}
	fs.Usage = usage(fs)
	c := &m.Config
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on (TABLESIDE_ADDR)")
	fs.StringVar(&c.DB, "db", c.DB, "SQLite database file, or a postgres:// URL for several instances on one database (TABLESIDE_DB)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "URL guests reach this server at, used in QR codes (TABLESIDE_BASE_URL; default http://localhost:PORT)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "on an empty database, seed Demo Bistro and its demo logins (TABLESIDE_DEMO)")
	fs.IntVar(&c.SurveyLimit, "survey-limit", c.SurveyLimit, "survey submissions per minute per client address, 0 for none (TABLESIDE_SURVEY_LIMIT)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "reverse proxies whose X-Forwarded-For gives the client's address, as CIDRs: 127.0.0.1/32,10.0.0.0/8 (TABLESIDE_TRUSTED_PROXIES; default none: the header is ignored)")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", c.TrustProxy, "deprecated: use -trusted-proxies (this trusts loopback and private addresses) (TABLESIDE_TRUST_PROXY)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure, for HTTPS behind a proxy (TABLESIDE_SECURE_COOKIES; on by itself for an https base URL)")
	fs.IntVar(&c.MaxDBMB, "max-db-mb", c.MaxDBMB, "stop writing when the database's files, its write-ahead log included, reach this many MB; 0 for no cap (TABLESIDE_MAX_DB_MB)")
	fs.IntVar(&c.RetainContactsDays, "retain-contacts-days", c.RetainContactsDays,
		"days a guest's name, phone or email is kept for a reply, then cleared; 0 keeps them (TABLESIDE_RETAIN_CONTACTS_DAYS)")
	fs.IntVar(&c.ReceiptStreamsPerAddress, "receipt-streams-per-address", c.ReceiptStreamsPerAddress,
		"live receipt streams one client address may hold open (TABLESIDE_RECEIPT_STREAMS_PER_ADDRESS)")
	fs.IntVar(&c.ReceiptStreams, "receipt-streams", c.ReceiptStreams,
		"live receipt streams open at once in all; staff streams are not counted (TABLESIDE_RECEIPT_STREAMS)")
	digestFlags(fs, &c.Digest)
	httpsFlags(fs, &c.HTTPS)
	fs.StringVar(&c.MetricsAddr, "metrics-addr", c.MetricsAddr, "serve Prometheus metrics at /metrics on this address, such as 127.0.0.1:9090; empty for none (TABLESIDE_METRICS_ADDR)")
	fs.StringVar(&c.VAPIDSubject, "vapid-subject", c.VAPIDSubject, "contact for push services, mailto: or https: (TABLESIDE_VAPID_SUBJECT; default mailto: the mail-from address)")
	fs.BoolVar(&c.AllowPrivateHooks, "allow-private-hooks", c.AllowPrivateHooks, "let webhooks and push endpoints point at private or local addresses (TABLESIDE_ALLOW_PRIVATE_HOOKS)")
	c.SessionKey = env("SESSION_KEY", c.SessionKey)
	if err := envFlags(fs); err != nil {
		return err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.RetainContactsDays < 0 {
		return fmt.Errorf("-retain-contacts-days is a number of days, 0 to keep contact details: not %d", c.RetainContactsDays)
	}
	return nil
}

// Run opens the database, seeds the demo if asked, and starts serving in the
// background. It returns once the server is listening.
func (m *Main) Run(ctx context.Context) error {
	db, err := store.Open(ctx, m.Config.DB, store.WithClock(m.Now))
	if err != nil {
		return err
	}
	m.DB = db
	if err := db.SetSizeLimit(ctx, int64(m.Config.MaxDBMB)<<20); err != nil {
		return err
	}
	if m.Config.Demo {
		seeded, err := db.SeedDemo(ctx, m.Now())
		if err != nil {
			return fmt.Errorf("seeding the demo: %w", err)
		}
		if seeded {
			m.Logger.Info("seeded Demo Bistro", "owner", store.DemoOwnerEmail, "manager", store.DemoManagerEmail)
		}
	}
	if m.Config.HTTPS.Domains != "" {
		if m.ln, err = m.listenHTTPS(); err != nil {
			return err
		}
		if m.Config.BaseURL == "" {
			m.Config.BaseURL = "https://" + m.Config.HTTPS.domains()[0]
		}
		m.Logger.Info("automatic HTTPS", "domains", m.Config.HTTPS.domains(), "https", m.ln.Addr().String(),
			"http", m.plainLn.Addr().String(), "acme", m.Config.HTTPS.Directory)
	} else if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return err
	}
	if m.Config.BaseURL == "" {
		m.Config.BaseURL = "http://localhost:" + strconv.Itoa(m.ln.Addr().(*net.TCPAddr).Port)
	}
	// The commands run beside the server (tableside tables) print the links
	// it serves.
	if err := db.SetServerSetting(ctx, store.SettingBaseURL, m.Config.BaseURL); err != nil {
		return err
	}
	var key []byte
	if m.Config.SessionKey != "" {
		if key, err = hex.DecodeString(m.Config.SessionKey); err != nil || len(key) < 64 {
			return errors.New("TABLESIDE_SESSION_KEY must be at least 64 bytes, hex-encoded (openssl rand -hex 64)")
		}
	}
	assets, err := static.New()
	if err != nil {
		return err
	}
	if m.Config.Digest.From == "" {
		m.Config.Digest.From = digest.DefaultFrom(m.Config.BaseURL)
	}
	if m.Config.VAPIDSubject == "" {
		addr, err := mail.ParseAddress(m.Config.Digest.From)
		if err != nil {
			return fmt.Errorf("the mail-from address %q: %w", m.Config.Digest.From, err)
		}
		m.Config.VAPIDSubject = "mailto:" + addr.Address
	}
	mail, err := mailer.New(m.Config.Digest.SMTP, m.Config.Digest.From)
	if err != nil {
		return err
	}
	proxies, err := trustedProxies(m.Config.TrustedProxies, m.Config.TrustProxy, m.Logger)
	if err != nil {
		return err
	}
	notifier, err := notify.New(ctx, notify.Config{Subject: m.Config.VAPIDSubject, BaseURL: m.Config.BaseURL,
		Icon: assets.URL("icon-192.png"), Guard: notify.Guard{AllowPrivate: m.Config.AllowPrivateHooks}, Mailer: mail},
		db, m.Logger, m.Now)
	if err != nil {
		return err
	}
	shutdown := make(chan struct{})
	m.streams = new(sync.WaitGroup)
	reg, metrics := m.metricsRegistry(db)
	if m.Config.MetricsAddr != "" {
		if err := m.serveMetrics(m.Config.MetricsAddr, reg); err != nil {
			return err
		}
	}
	e, err := handlers.New(handlers.Config{
		Metrics:                  metrics,
		BaseURL:                  m.Config.BaseURL,
		Demo:                     m.Config.Demo,
		SurveyLimit:              m.Config.SurveyLimit,
		TrustedProxies:           proxies,
		SecureCookies:            m.Config.SecureCookies,
		SessionKey:               key,
		Now:                      m.Now,
		Assets:                   assets,
		Notifier:                 notifier,
		Mail:                     mail != nil,
		Shutdown:                 shutdown,
		Streams:                  m.streams,
		ReceiptStreamsPerAddress: m.Config.ReceiptStreamsPerAddress,
		ReceiptStreams:           m.Config.ReceiptStreams,
		RetainContactsDays:       m.Config.RetainContactsDays,
	}, db, m.Logger)
	if err != nil {
		return err
	}
	m.Config.Digest.BaseURL = m.Config.BaseURL
	digests, err := digest.New(m.Config.Digest, db, m.Logger)
	if err != nil {
		return err
	}
	bg, stop := context.WithCancel(context.Background())
	m.stop, m.bg = stop, make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		db.RunEscalation(bg, 5*time.Second, m.Now, func(err error) { m.Logger.Error("escalation", "err", err) })
	})
	wg.Go(func() { digests.Run(bg, time.Minute, m.Now) })
	wg.Go(func() {
		keep := time.Duration(m.Config.RetainContactsDays) * 24 * time.Hour
		db.RunRetention(bg, keep, time.Hour, m.Now, func(n int, err error) {
			if err != nil {
				m.Logger.Error("retention", "err", err)
			} else {
				m.Logger.Info("contact details past their time cleared", "responses", n, "days", m.Config.RetainContactsDays)
			}
		})
	})
	wg.Go(func() { notifier.Run(bg) })
	go func() { wg.Wait(); close(m.bg) }()
	m.server = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
		ConnState:         m.conns.track,
	}
	// Shutdown waits for requests under way; live streams would never end on
	// their own, so they are told to end (and their clients to reconnect).
	m.server.RegisterOnShutdown(func() { close(shutdown) })
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(m.ln) }()
	if m.redirect != nil {
		go m.redirect.Serve(m.plainLn)
	}
	m.Logger.Info("serving", "url", m.URL(), "base_url", m.Config.BaseURL, "db", m.DB.Path()) // a URL without its password
	return nil
}

// URL is the address the server listens on, as an http URL on localhost.
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	scheme := "http://"
	if m.redirect != nil {
		scheme = "https://"
	}
	return scheme + strings.Replace(m.ln.Addr().String(), "[::]", "localhost", 1)
}

// MetricsURL is, with -metrics-addr, where the metrics are ("" without).
func (m *Main) MetricsURL() string {
	if m.metricsLn == nil {
		return ""
	}
	return "http://" + m.metricsLn.Addr().String() + "/metrics"
}

// HTTPAddr is, with -domain, the address of the HTTP server beside the
// HTTPS one ("" without).
func (m *Main) HTTPAddr() string {
	if m.plainLn == nil {
		return ""
	}
	return m.plainLn.Addr().String()
}

// Close stops accepting requests, ends live streams, lets the requests under
// way finish (up to shutdownGrace), cuts what is left (a body that never
// came, a connection that never sent a request) and says so in the log,
// and closes the database. It may be called more than once.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

// shutdownGrace is how long requests under way may take to finish when the
// server stops; streamGrace, how long live streams then have to say goodbye.
// Together they keep a stop (SIGTERM) under 3 s, whatever clients do.
const (
	shutdownGrace = 2 * time.Second
	streamGrace   = 500 * time.Millisecond
)

func (m *Main) close() error {
	var errs []error
	if m.redirect != nil {
		m.redirect.Close()
	}
	if m.metricsServer != nil {
		m.metricsServer.Close()
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := m.server.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
			active, idle := m.conns.count()
			m.server.Close()
			m.Logger.Warn("stopping: cut the connections that had not finished in time", "grace", shutdownGrace,
				"requests_under_way", active, "connections_without_a_request", idle)
		} else if err != nil {
			errs = append(errs, err)
		}
		if err := <-m.done; !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		streamsDone := make(chan struct{})
		go func() { m.streams.Wait(); close(streamsDone) }()
		select {
		case <-streamsDone:
		case <-time.After(streamGrace):
			m.Logger.Warn("stopping: live streams that had not ended are cut with the process", "grace", streamGrace)
		}
	}
	if m.stop != nil {
		m.stop()
		<-m.bg
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

// connStates follows the server's connections by state (http.Server's
// ConnState hook), so that a stop can say what it cut.
type connStates struct {
	mu sync.Mutex
	by map[net.Conn]http.ConnState
}

func (c *connStates) track(conn net.Conn, state http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.by == nil {
		c.by = map[net.Conn]http.ConnState{}
	}
	if state == http.StateClosed || state == http.StateHijacked {
		delete(c.by, conn)
	} else {
		c.by[conn] = state
	}
}

// count is how many connections are handling a request (or reading its
// body), and how many never sent one.
func (c *connStates) count() (active, idle int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.by {
		switch s {
		case http.StateActive:
			active++
		case http.StateNew:
			idle++
		}
	}
	return active, idle
}

// trustedProxies reads -trusted-proxies: CIDRs, or single addresses,
// separated by commas. The deprecated -trust-proxy adds loopback and the
// private ranges, where a reverse proxy usually is, and says so in the log.
func trustedProxies(list string, legacy bool, log *slog.Logger) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil && ip.To4() != nil {
				part += "/32"
			} else if ip != nil {
				part += "/128"
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies: %q is not an address or a CIDR such as 10.0.0.0/8", part)
		}
		nets = append(nets, n)
	}
	if legacy {
		log.Warn("-trust-proxy (TABLESIDE_TRUST_PROXY) is deprecated and goes in the next release: name your proxies with -trusted-proxies; until then it trusts loopback and private addresses")
		for _, cidr := range []string{"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"} {
			_, n, _ := net.ParseCIDR(cidr)
			nets = append(nets, n)
		}
	}
	return nets, nil
}
