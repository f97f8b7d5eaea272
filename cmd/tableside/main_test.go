package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// startMain runs the real program on a free port with a temporary database.
func startMain(t *testing.T, db string, args ...string) *Main {
	t.Helper()
	m := NewMain(io.Discard)
	if err := m.ParseFlags(append([]string{"-addr", "127.0.0.1:0", "-db", db}, args...)); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

var keyField = regexp.MustCompile(`name="key" value="([A-Za-z0-9_-]+)"`)

// newBrowser is an HTTP client that keeps cookies and does not follow
// redirects, so a test sees each one.
func newBrowser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn fills in the login form as a browser does and returns the answer
// (a redirect to next, or the form again).
func signIn(t *testing.T, client *http.Client, base, email, password, next string) *http.Response {
	t.Helper()
	res, err := client.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	csrf := csrfField.FindSubmatch(page)
	if csrf == nil {
		t.Fatalf("no CSRF token on the login page:\n%s", page)
	}
	res, err = client.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "csrf": {string(csrf[1])}, "next": {next}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// submitSurvey opens a table's survey as a phone would, sends form with the
// page's key, and returns the receipt's path.
func submitSurvey(t *testing.T, surveyURL string, form url.Values) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(surveyURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	key := keyField.FindSubmatch(page)
	if res.StatusCode != http.StatusOK || key == nil || !bytes.Contains(page, []byte("Demo Bistro")) {
		t.Fatalf("survey: %d\n%s", res.StatusCode, page)
	}
	form.Set("key", string(key[1]))
	res, err = client.PostForm(surveyURL, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	receipt := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(receipt, "/r/") {
		t.Fatalf("submit: %d %q", res.StatusCode, receipt)
	}
	return receipt
}

// TestMainEndToEnd starts the real program with -demo, finds a table with
// `tableside tables`, submits its survey over HTTP, reads the receipt, and
// finds the response again after a restart.
func TestMainEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "tableside.db")
	m := startMain(t, db, "-demo")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	if res, err := client.Get(m.URL() + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"tables", "-db", db, "-base-url", m.URL()}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 12 {
		t.Fatalf("tables printed %d lines, want 12:\n%s", len(lines), out.String())
	}
	fields := strings.Split(lines[0], "\t")
	if len(fields) != 3 || fields[0] != "demo" || fields[1] != "Table 1" || !strings.HasPrefix(fields[2], m.URL()+"/t/") {
		t.Fatalf("first line %q", lines[0])
	}
	surveyURL := fields[2]

	receipt := submitSurvey(t, surveyURL, url.Values{"rating": {"1"}, "tag": {"foreign-object"},
		"comment": {"There was a hair in my salad."}, "at_table": {"1"}})
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	m = startMain(t, db, "-demo") // the demo is not seeded twice; the response survives
	defer m.Close()
	res, err := client.Get(m.URL() + receipt)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("There was a hair in my salad.")) {
		t.Fatalf("receipt after restart: %d\n%s", res.StatusCode, body)
	}
	out.Reset()
	if err := run(context.Background(), []string{"tables", "-db", db}, &out, io.Discard); err != nil || strings.Count(out.String(), "\n") != 12 {
		t.Fatalf("after restart, tables printed %q (%v)", out.String(), err)
	}
}

func TestFlagsAndEnvironment(t *testing.T) {
	t.Setenv("TABLESIDE_ADDR", ":9999")
	t.Setenv("TABLESIDE_DEMO", "true")
	t.Setenv("TABLESIDE_SURVEY_LIMIT", "12")
	t.Setenv("TABLESIDE_RECEIPT_STREAMS", "500")
	t.Setenv("TABLESIDE_RETAIN_CONTACTS_DAYS", "30")
	t.Setenv("TABLESIDE_DOMAIN", "feedback.example.com")
	t.Setenv("TABLESIDE_METRICS_ADDR", "127.0.0.1:9090")
	m := NewMain(io.Discard)
	if err := m.ParseFlags([]string{"-db", "x.db", "-receipt-streams-per-address", "8"}); err != nil {
		t.Fatal(err)
	}
	want := Config{Addr: ":9999", DB: "x.db", Demo: true, SurveyLimit: 12, ReceiptStreamsPerAddress: 8, ReceiptStreams: 500, RetainContactsDays: 30,
		HTTPS:       HTTPS{Domains: "feedback.example.com", HTTPSAddr: ":443", HTTPAddr: ":80", Directory: letsEncrypt},
		MetricsAddr: "127.0.0.1:9090"}
	if m.Config != want {
		t.Fatalf("config %+v, want %+v", m.Config, want)
	}
	if err := NewMain(io.Discard).ParseFlags([]string{"-retain-contacts-days", "-1"}); err == nil {
		t.Fatal("a negative retention was accepted")
	}
	if m := NewMain(io.Discard); m.Config.RetainContactsDays != 90 {
		t.Fatalf("contacts are kept %d days by default, want 90", m.Config.RetainContactsDays)
	}
	if err := NewMain(io.Discard).ParseFlags([]string{"stray"}); err == nil {
		t.Fatal("a stray argument was accepted")
	}
	if err := run(context.Background(), []string{"tables", "-db", filepath.Join(t.TempDir(), "missing.db")}, io.Discard, io.Discard); err == nil {
		t.Fatal("tables on a missing database did not fail")
	}
}

// TestShutdownOnSignal runs the program as main does and cancels its context,
// as SIGINT or SIGTERM would: it must stop serving and return cleanly.
func TestShutdownOnSignal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &waitWriter{want: "msg=serving", seen: make(chan struct{})}
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "t.db")}, io.Discard, logs)
	}()
	select { // the signal comes once the server is up
	case <-logs.seen:
	case err := <-done:
		t.Fatalf("run returned before serving: %v", err)
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not start")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
}

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	m := startMain(t, db, "-demo")
	m.Close()
	var out bytes.Buffer
	args := []string{"user", "add", "-db", db, "-email", "kim@demo.test", "-name", "Kim Lee", "-restaurant", "demo", "-role", "manager"}
	if err := run(context.Background(), args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "kim@demo.test is now manager of Demo Bistro") || !strings.Contains(out.String(), "password (shown once): ") {
		t.Fatalf("output %q", out.String())
	}
	password := strings.TrimSpace(out.String()[strings.Index(out.String(), "shown once): ")+len("shown once): "):])

	m = startMain(t, db)
	t.Cleanup(func() { m.Close() })
	client := newBrowser(t)
	res := signIn(t, client, m.URL(), "kim@demo.test", password, "")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/floor" {
		t.Fatalf("login with the printed password: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// A restart keeps the session: it lives in the database.
	cookies := res.Cookies()
	m.Close()
	m = startMain(t, db)
	req, _ := http.NewRequest(http.MethodGet, m.URL()+"/floor", nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := (&http.Client{}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("after a restart the floor answered %d: the session was lost", res.StatusCode)
	}
	if err := run(context.Background(), []string{"user", "add", "-db", db, "-email", "x@demo.test", "-restaurant", "nowhere"}, io.Discard, io.Discard); err == nil {
		t.Fatal("user add for an unknown restaurant did not fail")
	}
}

// TestDigestDryRun prints the demo owner's digest of a week and records
// nothing; a bad SMTP URL or digest time stops the server at start.
func TestDigestDryRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	startMain(t, db, "-demo").Close()
	for range 2 { // a dry run records nothing, so a second prints it again
		var out bytes.Buffer
		if err := run(context.Background(), []string{"digest", "-db", db, "-week", "2026-W40", "-dry-run"}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"To: owner@demo.test", "Subject: Demo Bistro, week 2026-W40", "Unhappy guests, heard or not",
			"1 digests would be sent (dry run"} {
			if !strings.Contains(out.String(), want) {
				t.Fatalf("dry run lacks %q:\n%s", want, out.String())
			}
		}
	}
	if err := run(context.Background(), []string{"digest", "-db", db, "-week", "2026-W40"}, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "SMTP is not configured") {
		t.Fatalf("sending without SMTP: %v", err)
	}
	for _, args := range [][]string{{"-smtp", "ftp://mail.example.com"}, {"-digest-at", "8am"}} {
		m := NewMain(io.Discard)
		err := m.ParseFlags(append([]string{"-addr", "127.0.0.1:0", "-db", db}, args...))
		if err == nil {
			err = m.Run(context.Background())
			m.Close()
		}
		if err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// TestBackupWhileServing backs up the database of a running server that is
// taking surveys, then serves the backup and finds the demo's data in it.
func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	m := startMain(t, db, "-demo")
	defer m.Close()
	var tables bytes.Buffer
	if err := run(context.Background(), []string{"tables", "-db", db}, &tables, io.Discard); err != nil {
		t.Fatal(err)
	}
	survey := strings.Split(strings.Split(tables.String(), "\n")[0], "\t")[2]
	token := survey[strings.LastIndex(survey, "/")+1:]
	stop, first := make(chan struct{}), make(chan struct{})
	posted := make(chan int)
	go func() {
		n := 0
		defer func() { posted <- n }()
		defer func() {
			if n == 0 {
				close(first)
			}
		}()
		for {
			select {
			case <-stop:
				return
			default:
			}
			form := url.Values{"rating": {"5"}, "key": {strings.Repeat("k", 20) + strconv.Itoa(n)}}
			res, err := http.PostForm(m.URL()+"/t/"+token, form)
			if err != nil {
				return
			}
			res.Body.Close()
			if n++; n == 1 {
				close(first)
			}
		}
	}()
	<-first // surveys are coming in
	var out bytes.Buffer
	backup := filepath.Join(dir, "backup.db")
	err := run(context.Background(), []string{"backup", "-db", db, "-out", backup}, &out, io.Discard)
	close(stop)
	if n := <-posted; n == 0 {
		t.Error("no survey was posted during the backup")
	}
	if err != nil || !strings.Contains(out.String(), "integrity ok") {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	restored := startMain(t, backup)
	defer restored.Close()
	res, err := http.Get(restored.URL() + "/t/" + token)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Demo Bistro") {
		t.Fatalf("the restored server: %d", res.StatusCode)
	}
	if err := run(context.Background(), []string{"backup", "-db", db, "-out", backup}, io.Discard, io.Discard); err == nil {
		t.Error("a second backup overwrote the first")
	}
}

// TestSlowClientsAreCut: a client that sends half a request header and then
// nothing is disconnected after the header timeout, and the server's other
// timeouts are set.
func TestSlowClientsAreCut(t *testing.T) {
	t.Parallel()
	m := startMain(t, filepath.Join(t.TempDir(), "slow.db"))
	defer m.Close()
	s := m.server
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 {
		t.Fatalf("timeouts: header %v, read %v, write %v, idle %v, max header %d",
			s.ReadHeaderTimeout, s.ReadTimeout, s.WriteTimeout, s.IdleTimeout, s.MaxHeaderBytes)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(m.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(s.ReadHeaderTimeout + 5*time.Second))
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	took := time.Since(start)
	if err == nil && !strings.Contains(string(buf[:n]), "408") {
		t.Fatalf("the half-sent request was answered: %q", buf[:n])
	}
	if took > s.ReadHeaderTimeout+2*time.Second {
		t.Fatalf("the slow client was cut after %v, want about %v", took, s.ReadHeaderTimeout)
	}
	t.Logf("security: a half-sent header was cut after %v (ReadHeaderTimeout %v)", took.Round(100*time.Millisecond), s.ReadHeaderTimeout)
}

// TestEnvironmentThatDoesNotParse: a variable that does not parse stops the
// server with a message naming it, instead of running on a default.
func TestEnvironmentThatDoesNotParse(t *testing.T) {
	for name, value := range map[string]string{
		"TABLESIDE_SURVEY_LIMIT": "thirty", "TABLESIDE_DEMO": "yes please", "TABLESIDE_MAX_DB_MB": "1e3",
		"TABLESIDE_DIGEST_AT": "8am", "TABLESIDE_RECEIPT_STREAMS": "-",
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, value)
			err := NewMain(io.Discard).ParseFlags(nil)
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("%s=%q: %v, want an error naming it", name, value, err)
			}
		})
	}
}

// waitWriter is a log that closes seen once a line containing want was
// written: a test waits on it instead of sleeping.
type waitWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *waitWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

// TestTrustedProxies: -trusted-proxies takes CIDRs and single addresses and
// refuses anything else at start; the old -trust-proxy still works, trusting
// loopback and private addresses, and logs that it is deprecated.
func TestTrustedProxies(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	nets, err := trustedProxies("10.0.0.0/8, 192.0.2.7,2001:db8::1", false, log)
	if err != nil || len(nets) != 3 || nets[1].String() != "192.0.2.7/32" || nets[2].String() != "2001:db8::1/128" {
		t.Fatalf("trusted proxies: %v %v", nets, err)
	}
	if _, err := trustedProxies("10.0.0.0/8,proxy.internal", false, log); err == nil || !strings.Contains(err.Error(), `"proxy.internal"`) {
		t.Fatalf("a name: %v", err)
	}
	nets, err = trustedProxies("", true, log)
	if err != nil || len(nets) == 0 || !strings.Contains(logs.String(), "deprecated") {
		t.Fatalf("-trust-proxy: %v %v, log %q", nets, err, logs.String())
	}
	m := NewMain(io.Discard)
	if err := m.ParseFlags([]string{"-addr", "127.0.0.1:0", "-db", filepath.Join(t.TempDir(), "p.db"), "-trusted-proxies", "10.0.0.0/33"}); err != nil {
		t.Fatal(err)
	}
	err = m.Run(context.Background())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "-trusted-proxies") {
		t.Fatalf("a bad CIDR at start: %v", err)
	}
}

// TestServerForgetsOldContacts: the server itself clears contact details
// past -retain-contacts-days, from its start, and keeps the rest.
func TestServerForgetsOldContacts(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "t.db")
	tenDaysAgo := func() time.Time { return time.Now().AddDate(0, 0, -10) }
	db, err := store.Open(ctx, file, store.WithClock(tenDaysAgo))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: "Europe/Lisbon"})
	tb, _ := db.CreateTable(ctx, r.ID, "Table 1")
	old, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 4,
		Comment: "Lovely", GuestName: "Ana", Contact: "ana@example.com", ContactConsent: true})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	m := startMain(t, file, "-retain-contacts-days", "7")
	defer m.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := m.DB.ResponseByPublicID(ctx, old)
		if err == nil && got.Contact == "" && got.GuestName == "" && got.Comment == "Lovely" && got.Rating == 4 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the 10-day-old response is %+v (%v)", got, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNewcomerTrips: -db in a folder that does not exist yet makes it;
// -h lists every command; version prints; `tableside tables` prints the
// links the server serves (its base URL, kept in the database), not
// localhost's.
func TestNewcomerTrips(t *testing.T) {
	db := filepath.Join(t.TempDir(), "var", "lib", "tableside", "tableside.db")
	m := startMain(t, db, "-demo", "-base-url", "https://feedback.example.com")
	m.Close()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"tables", "-db", db}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\thttps://feedback.example.com/t/") || strings.Contains(out.String(), "localhost") {
		t.Fatalf("tables printed, without -base-url:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"-h"}, &out, &errOut); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, c := range commands {
		if !strings.Contains(errOut.String(), "\n  "+c.name+" ") {
			t.Errorf("-h does not list %q:\n%s", c.name, errOut.String())
		}
	}
	out.Reset()
	if err := run(context.Background(), []string{"version"}, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "tableside ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
}
