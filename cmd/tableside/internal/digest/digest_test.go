package digest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/crypto/bcrypt"

	"github.com/tableside/tableside/cmd/tableside/internal/digest"
	"github.com/tableside/tableside/store"
)

// mailbox is an in-process SMTP server that keeps what it is sent.
type mailbox struct {
	mu   sync.Mutex
	msgs [][]byte
	to   []string
	addr string
	srv  *smtp.Server
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct {
	box *mailbox
	to  []string
}

func (s *mailSession) Reset()                                    { s.to = nil }
func (s *mailSession) Logout() error                             { return nil }
func (s *mailSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	s.box.msgs = append(s.box.msgs, b)
	s.box.to = append(s.box.to, s.to...)
	return err
}

func (m *mailbox) received() ([][]byte, []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([][]byte(nil), m.msgs...), append([]string(nil), m.to...)
}

// startMailbox listens on addr ("127.0.0.1:0" for any port).
func startMailbox(t *testing.T, addr string) *mailbox {
	t.Helper()
	m := &mailbox{}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	m.addr, m.srv = ln.Addr().String(), smtp.NewServer(m)
	m.srv.Domain = "localhost"
	go m.srv.Serve(ln)
	t.Cleanup(func() { m.srv.Close() })
	return m
}

// TestDigestMondayMorning sends the demo owner's digest at 08:00 on Monday in
// London, once, across a restart and a failed send, as HTML and plain text.
func TestDigestMondayMorning(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "digest.db")
	db, err := store.Open(ctx, file, store.WithPasswordCost(bcrypt.MinCost))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	london, _ := time.LoadLocation("Europe/London")
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, london)
	if _, err := db.SeedDemo(ctx, monday.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	box := startMailbox(t, "127.0.0.1:0")
	var logs bytes.Buffer
	cfg := digest.Config{SMTP: "smtp+insecure://" + box.addr, BaseURL: "https://feedback.example.com"}
	d, err := digest.New(cfg, db, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.SendDue(ctx, monday.Add(7*time.Hour+59*time.Minute), ""); n != 0 || err != nil {
		t.Fatalf("at 07:59: %d sent, %v", n, err)
	}
	if n, err := d.SendDue(ctx, monday.Add(8*time.Hour), ""); n != 1 || err != nil {
		t.Fatalf("at 08:00: %d sent, %v", n, err)
	}
	if n, err := d.SendDue(ctx, monday.Add(9*time.Hour), ""); n != 0 || err != nil {
		t.Fatalf("again at 09:00: %d sent, %v", n, err)
	}
	restarted, _ := digest.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if n, err := restarted.SendDue(ctx, monday.Add(26*time.Hour), ""); n != 0 || err != nil {
		t.Fatalf("after a restart on Tuesday: %d sent, %v", n, err)
	}

	msgs, to := box.received()
	if len(msgs) != 1 || len(to) != 1 || to[0] != store.DemoOwnerEmail {
		t.Fatalf("%d messages to %v", len(msgs), to)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(msgs[0]))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if !strings.Contains(subject, "Demo Bistro, week 2026-W47") {
		t.Errorf("subject %q", subject)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("content type %q, %v", mediaType, err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		body, _ := io.ReadAll(p) // multipart decodes quoted-printable itself
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = string(body)
	}
	text, html := parts["text/plain"], parts["text/html"]
	for _, want := range []string{"Demo Bistro · week 2026-W47", "Unhappy guests, heard or not", "https://feedback.example.com/summary?r=demo&week=2026-W47"} {
		if !strings.Contains(text, want) {
			t.Errorf("the plain text lacks %q", want)
		}
	}
	for _, want := range []string{"<style>", "Unhappy guests, heard or not", "https://feedback.example.com/summary.csv?r=demo&amp;week=2026-W47"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML lacks %q", want)
		}
	}
	if strings.Contains(html, "<form") || strings.Contains(html, "<script") {
		t.Error("the email carries a form or a script")
	}

	// The next Monday the server is unreachable: nothing is recorded, and the
	// digest goes once it is back.
	next := monday.AddDate(0, 0, 7).Add(8 * time.Hour)
	box.srv.Close()
	if n, err := d.SendDue(ctx, next, ""); n != 0 || err == nil {
		t.Fatalf("with the mail server down: %d sent, %v", n, err)
	}
	back := startMailbox(t, box.addr)
	if n, err := d.SendDue(ctx, next.Add(time.Minute), ""); n != 1 || err != nil {
		t.Fatalf("with the mail server back: %d sent, %v", n, err)
	}
	if msgs, _ := back.received(); len(msgs) != 1 {
		t.Fatalf("%d messages after the outage", len(msgs))
	}
}

// TestDigestOffWithoutSMTP: nothing is sent, and the log says so once.
func TestDigestOffWithoutSMTP(t *testing.T) {
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logs bytes.Buffer
	d, err := digest.New(digest.Config{}, db, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	d.Run(ctx, time.Millisecond, time.Now)
	if n := strings.Count(logs.String(), "SMTP is not configured"); n != 1 {
		t.Errorf("the log says it %d times:\n%s", n, logs.String())
	}
	if _, err := d.SendDue(context.Background(), time.Now(), ""); err == nil {
		t.Error("sending without SMTP did not fail")
	}
	for _, bad := range []string{"mail.example.com", "http://mail.example.com", "smtp://mail.example.com:port"} {
		if _, err := digest.New(digest.Config{SMTP: bad}, db, slog.Default()); err == nil {
			t.Errorf("SMTP %q accepted", bad)
		}
	}
}
