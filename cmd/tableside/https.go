package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/tableside/tableside/store"
)

// HTTPS is how the server puts itself on the internet on its own: with
// -domain it gets and renews certificates over ACME (Let's Encrypt by
// default), serves HTTPS on -https-addr, and on -http-addr answers the
// HTTP-01 challenge and sends everything else to HTTPS.
type HTTPS struct {
	Domains   string // comma-separated; empty: no automatic HTTPS
	HTTPSAddr string
	HTTPAddr  string
	Directory string // the ACME directory URL
	Email     string // the ACME account's contact, for expiry warnings
	CACert    string // a PEM file of roots to trust for the ACME server
}

// letsEncrypt is Let's Encrypt's production directory.
const letsEncrypt = "https://acme-v02.api.letsencrypt.org/directory"

func httpsFlags(fs *flag.FlagSet, c *HTTPS) {
	fs.StringVar(&c.Domains, "domain", c.Domains, "get and renew HTTPS certificates for these names (comma-separated) over ACME, and serve on -https-addr and -http-addr instead of -addr (TABLESIDE_DOMAIN)")
	fs.StringVar(&c.HTTPSAddr, "https-addr", c.HTTPSAddr, "with -domain: the HTTPS address (TABLESIDE_HTTPS_ADDR)")
	fs.StringVar(&c.HTTPAddr, "http-addr", c.HTTPAddr, "with -domain: the HTTP address, for the ACME challenge and redirects to HTTPS (TABLESIDE_HTTP_ADDR)")
	fs.StringVar(&c.Directory, "acme-directory", c.Directory, "with -domain: the ACME directory URL (TABLESIDE_ACME_DIRECTORY)")
	fs.StringVar(&c.Email, "acme-email", c.Email, "with -domain: the contact the certificate authority may warn of expiry (TABLESIDE_ACME_EMAIL)")
	fs.StringVar(&c.CACert, "acme-ca-cert", c.CACert, "with -domain: a PEM file of root certificates to trust for the ACME server, for a private CA or tests (TABLESIDE_ACME_CA_CERT)")
}

// domains are the names of -domain, tidied.
func (c HTTPS) domains() []string {
	var out []string
	for _, d := range strings.Split(c.Domains, ",") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// acmeCache keeps autocert's account key and certificates in the database:
// a restart reuses them, and instances on one PostgreSQL database share
// them.
type acmeCache struct{ db *store.DB }

func (c acmeCache) Get(ctx context.Context, key string) ([]byte, error) {
	data, err := c.db.ACMEGet(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, autocert.ErrCacheMiss
	}
	return data, err
}

func (c acmeCache) Put(ctx context.Context, key string, data []byte) error {
	return c.db.ACMEPut(ctx, key, data)
}

func (c acmeCache) Delete(ctx context.Context, key string) error { return c.db.ACMEDelete(ctx, key) }

// manager is the ACME certificate manager of the configuration.
func (c HTTPS) manager(db *store.DB) (*autocert.Manager, error) {
	names := c.domains()
	if len(names) == 0 {
		return nil, errors.New("-domain names no domain")
	}
	client := &acme.Client{DirectoryURL: c.Directory}
	if c.CACert != "" {
		pem, err := os.ReadFile(c.CACert)
		if err != nil {
			return nil, fmt.Errorf("-acme-ca-cert: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("-acme-ca-cert: %s holds no PEM certificate", c.CACert)
		}
		client.HTTPClient = &http.Client{Timeout: time.Minute,
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, Proxy: http.ProxyFromEnvironment}}
	}
	return &autocert.Manager{Prompt: autocert.AcceptTOS, HostPolicy: autocert.HostWhitelist(names...),
		Cache: acmeCache{db}, Email: c.Email, Client: client}, nil
}

// listenHTTPS starts automatic HTTPS: the HTTPS listener the server serves
// on, and the HTTP server beside it (the ACME challenge, /healthz for a
// health check on the machine, and a redirect to HTTPS for the rest),
// which Run starts once the server is made.
func (m *Main) listenHTTPS() (net.Listener, error) {
	mgr, err := m.Config.HTTPS.manager(m.DB)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", m.Config.HTTPS.HTTPSAddr)
	if err != nil {
		return nil, err
	}
	plain, err := net.Listen("tcp", m.Config.HTTPS.HTTPAddr)
	if err != nil {
		ln.Close()
		return nil, err
	}
	m.plainLn = plain
	m.redirect = &http.Server{Handler: mgr.HTTPHandler(http.HandlerFunc(m.toHTTPS)), ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	tlsConfig := mgr.TLSConfig()
	tlsConfig.MinVersion = tls.VersionTLS12
	return tls.NewListener(ln, tlsConfig), nil
}

// toHTTPS is the HTTP server's answer to what is not an ACME challenge:
// /healthz as the server itself answers it (a container's health check
// runs on the machine, over plain HTTP), and for the rest a permanent
// redirect to the same address over HTTPS, method and body kept (308).
func (m *Main) toHTTPS(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		m.server.Handler.ServeHTTP(w, r)
		return
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
}

// runHealthcheck asks a server's /healthz and exits 0 if it answers 200, 1
// otherwise: a container's health check, run by the binary itself (the
// image has no shell or curl).
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tableside healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	u := fs.String("url", "http://127.0.0.1:8080/healthz", "the health check's URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *u, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1024))
	fmt.Fprint(stdout, string(body))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", *u, res.Status)
	}
	return nil
}
