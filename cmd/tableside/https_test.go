package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pebble is Let's Encrypt's ACME test server, started by a test (go tool
// pebble, a tool of this module) with PEBBLE_VA_ALWAYS_VALID=1, so that
// challenges need no DNS.
type pebble struct {
	cmd       *exec.Cmd
	directory string // the ACME directory URL
	caFile    string // the root its own HTTPS is signed with (its test minica)
	roots     *x509.CertPool
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func startPebble(t *testing.T) *pebble {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/letsencrypt/pebble/v2").Output()
	if err != nil {
		t.Fatalf("finding Pebble's module: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	acmePort, mgmtPort := freePort(t), freePort(t)
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress": fmt.Sprintf("127.0.0.1:%d", acmePort), "managementListenAddress": fmt.Sprintf("127.0.0.1:%d", mgmtPort),
		"certificate": filepath.Join(dir, "test/certs/localhost/cert.pem"), "privateKey": filepath.Join(dir, "test/certs/localhost/key.pem"),
		"httpPort": freePort(t), "tlsPort": freePort(t), "ocspResponderURL": "", "externalAccountBindingRequired": false,
	}}
	file := filepath.Join(t.TempDir(), "pebble.json")
	b, _ := json.Marshal(cfg)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	p := &pebble{directory: fmt.Sprintf("https://localhost:%d/dir", acmePort), caFile: filepath.Join(dir, "test/certs/pebble.minica.pem")}
	// The tool's own binary (built once, then cached), so that stopping it
	// stops Pebble and not only the go command in front of it.
	binary, err := exec.Command("go", "tool", "-n", "pebble").Output()
	if err != nil {
		t.Fatalf("building Pebble: %v", err)
	}
	p.cmd = exec.Command(strings.TrimSpace(string(binary)), "-config", file)
	p.cmd.Env = append(os.Environ(), "PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_WFE_NONCEREJECT=0", "PEBBLE_AUTHZREUSE=100")
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	minica, err := os.ReadFile(p.caFile)
	if err != nil {
		t.Fatal(err)
	}
	trust := x509.NewCertPool()
	trust.AppendCertsFromPEM(minica)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: trust}}}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) { // the first run builds it
		res, err := client.Get(p.directory)
		if err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Pebble did not start: %v", err)
		}
	}
	// The roots the certificates it issues chain to.
	res, err := client.Get(fmt.Sprintf("https://localhost:%d/roots/0", mgmtPort))
	if err != nil {
		t.Fatal(err)
	}
	root, _ := io.ReadAll(res.Body)
	res.Body.Close()
	p.roots = x509.NewCertPool()
	if !p.roots.AppendCertsFromPEM(root) {
		t.Fatalf("Pebble's root: %s", root)
	}
	return p
}

func (p *pebble) stop() {
	if p.cmd.Process != nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
}

// TestAutomaticHTTPS: with -domain and Pebble as the certificate
// authority, the server gets a certificate for the name over ACME; a
// client that trusts Pebble's root reaches the survey over TLS by that
// name; port 80 sends it to https. Started again with Pebble gone, the
// server serves the certificate it keeps in the database.
func TestAutomaticHTTPS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Pebble (go tool pebble): not with -short")
	}
	p := startPebble(t)
	db := filepath.Join(t.TempDir(), "https.db")
	args := []string{"-demo", "-domain", "feedback.test", "-https-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0",
		"-acme-directory", p.directory, "-acme-ca-cert", p.caFile, "-acme-email", "owner@feedback.test"}
	m := startMain(t, db, args...)
	defer m.Close()
	if m.Config.BaseURL != "https://feedback.test" {
		t.Fatalf("the base URL with -domain is %q", m.Config.BaseURL)
	}
	client := func(addr string) *http.Client {
		dialer := &net.Dialer{Timeout: 5 * time.Second}
		return &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{
				TLSClientConfig: &tls.Config{RootCAs: p.roots, ServerName: "feedback.test"},
				DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
					return dialer.DialContext(ctx, network, addr) // feedback.test is this server
				}}}
	}
	https := client(strings.TrimPrefix(m.URL(), "https://"))
	get := func(c *http.Client, u string) (*http.Response, string) {
		t.Helper()
		res, err := c.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}
	res, home := get(https, "https://feedback.test/")
	if res.StatusCode != http.StatusOK || res.TLS == nil || len(res.TLS.PeerCertificates) == 0 ||
		res.TLS.PeerCertificates[0].VerifyHostname("feedback.test") != nil {
		t.Fatalf("the home page over TLS: %d %+v", res.StatusCode, res.TLS)
	}
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS under automatic HTTPS")
	}
	table := regexp.MustCompile(`href="(/t/[A-Za-z0-9_-]+)"`).FindStringSubmatch(home)
	if table == nil {
		t.Fatalf("no table on the home page:\n%.2000s", home)
	}
	if res, body := get(https, "https://feedback.test"+table[1]); res.StatusCode != http.StatusOK || !strings.Contains(body, "Demo Bistro") {
		t.Fatalf("the survey over TLS: %d", res.StatusCode)
	}
	plain := client(m.HTTPAddr())
	res, _ = get(plain, "http://feedback.test/t/abc?x=1")
	if loc := res.Header.Get("Location"); res.StatusCode/100 != 3 || loc != "https://feedback.test/t/abc?x=1" {
		t.Fatalf("port 80: %d %q, want a redirect to https", res.StatusCode, loc)
	}
	// The container's health check asks over plain HTTP on the machine.
	var health bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck", "-url", "http://" + m.HTTPAddr() + "/healthz"}, &health, io.Discard); err != nil ||
		health.String() != "ok\n" {
		t.Fatalf("healthcheck over port 80: %q %v", health.String(), err)
	}

	// Again, with the certificate authority gone: the kept certificate.
	m.Close()
	p.stop()
	m = startMain(t, db, args...)
	defer m.Close()
	res, _ = get(client(strings.TrimPrefix(m.URL(), "https://")), "https://feedback.test/")
	if res.StatusCode != http.StatusOK || res.TLS.PeerCertificates[0].VerifyHostname("feedback.test") != nil {
		t.Fatalf("after a restart with Pebble gone: %d", res.StatusCode)
	}
}
