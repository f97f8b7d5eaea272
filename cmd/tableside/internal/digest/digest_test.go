package digest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/tableside/tableside/cmd/tableside/internal/digest"
	"github.com/tableside/tableside/cmd/tableside/internal/mailer/mailtest"
	"github.com/tableside/tableside/store"
)

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
	box := mailtest.Start(t, "127.0.0.1:0")
	var logs bytes.Buffer
	cfg := digest.Config{SMTP: box.URL(), BaseURL: "https://feedback.example.com"}
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

	msgs := box.Received()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != store.DemoOwnerEmail {
		t.Fatalf("%d messages: %+v", len(msgs), msgs)
	}
	if subject := msgs[0].Subject; !strings.Contains(subject, "Demo Bistro, week 2026-W47") {
		t.Errorf("subject %q", subject)
	}
	if msgs[0].Type != "multipart/alternative" {
		t.Fatalf("content type %q", msgs[0].Type)
	}
	text, html := msgs[0].Text, msgs[0].HTML
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
	box.Close()
	if n, err := d.SendDue(ctx, next, ""); n != 0 || err == nil {
		t.Fatalf("with the mail server down: %d sent, %v", n, err)
	}
	back := mailtest.Start(t, box.Addr)
	if n, err := d.SendDue(ctx, next.Add(time.Minute), ""); n != 1 || err != nil {
		t.Fatalf("with the mail server back: %d sent, %v", n, err)
	}
	if msgs := back.Received(); len(msgs) != 1 {
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
